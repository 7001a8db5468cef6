import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import type { Container, Snapshot } from '../../lib/snapshot/schema';
import { parseSnapshot, SnapshotFormatError } from '../../lib/snapshot/schema';
import type { Endpoint, Outcome, Protocol, Step, Target, TraceQuery, TraceResult } from '../../lib/sim/types';
import { tracePath } from '../../lib/sim/trace';
import { collectSnapshot } from '../collect/collector';

/**
 * `netatlas trace`: where would the first packet of a connection go, and why. Resolves the names in a query against
 * one snapshot (live, or a saved one), asks the simulator (lib/sim/trace.ts) and prints its steps.
 *
 *   --from  <container | host | netns name | IP[@iface]>
 *   --to    <container | IP>[:port][/tcp|udp|icmp]
 *
 * A plain IP as --from is whoever owns it in the snapshot (a container, the host, a named namespace); an IP nobody
 * owns, or any IP@iface, is a client outside arriving on that host interface.
 */

/** A query netatlas cannot answer as written: unknown names, bad syntax. Exit code 2. */
export class QueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryError';
  }
}

const PROTOCOLS: readonly Protocol[] = ['tcp', 'udp', 'icmp'];

function containers(s: Snapshot): Container[] {
  if (!s.docker) throw new QueryError('the snapshot has no Docker data (Docker was unreachable): containers cannot be named; use IP addresses');
  return s.docker.containers;
}

/** A container by name, full id or unique id prefix (3+ characters), like the docker CLI. */
function findContainer(s: Snapshot, word: string): Container | null {
  const name = word.replace(/^\//, '');
  const list = s.docker?.containers ?? [];
  const exact = list.find((c) => c.name === name || c.id === name);
  if (exact) return exact;
  if (/^[0-9a-f]{3,64}$/.test(name)) {
    const hits = list.filter((c) => c.id.startsWith(name));
    if (hits.length > 1) throw new QueryError(`'${word}' is ambiguous: it starts the ids of ${hits.map((c) => c.name).join(', ')}`);
    if (hits.length === 1) return hits[0];
  }
  return null;
}

function containerWithNamespace(c: Container): Container {
  if (!c.namespaceId) {
    throw new QueryError(`container ${c.name} has no network namespace in this snapshot (state ${c.state})`);
  }
  return c;
}

function unknownName(s: Snapshot, word: string, what: string): QueryError {
  const names = (s.docker?.containers ?? []).map((c) => c.name).sort();
  const named = s.namespaces.filter((n) => n.kind === 'named' && n.name).map((n) => n.name!);
  const hint = [names.length ? `containers: ${names.join(', ')}` : '', named.length ? `namespaces: ${named.join(', ')}` : '']
    .filter(Boolean)
    .join('; ');
  return new QueryError(`unknown ${what} '${word}'${hint ? ` (${hint})` : ''}`);
}

/** The namespace and container (if any) that own an address in the snapshot. */
function ownerOfIp(s: Snapshot, ip: string): Endpoint | null {
  for (const c of s.docker?.containers ?? []) {
    if (c.namespaceId && c.endpoints.some((e) => e.ipv4 === ip || e.ipv6 === ip)) return { kind: 'container', containerId: c.id };
  }
  for (const ns of s.namespaces) {
    // Every namespace has 127.0.0.1 on its lo: a loopback address names the host.
    if (!ns.interfaces.some((i) => (ns.kind === 'host' || i.kind !== 'loopback') && i.addresses.some((a) => a.address === ip))) continue;
    if (ns.kind === 'host') return { kind: 'host' };
    const owner = ns.containers.map((id) => s.docker?.containers.find((c) => c.id === id)).find((c) => c?.networkMode.kind !== 'container');
    if (ns.kind === 'container' && (owner ?? ns.containers[0])) return { kind: 'container', containerId: owner?.id ?? ns.containers[0] };
    return { kind: 'namespace', namespaceId: ns.id };
  }
  return null;
}

export function parseFrom(s: Snapshot, text: string): Endpoint {
  const word = text.trim();
  if (!word) throw new QueryError('--from is empty');
  if (word === 'host') return { kind: 'host' };
  const at = word.lastIndexOf('@');
  if (at > 0) {
    const ip = word.slice(0, at);
    const iface = word.slice(at + 1);
    if (!isIP(ip)) throw new QueryError(`--from '${word}': '${ip}' is not an IP address (IP@iface names a client outside arriving on a host interface)`);
    const host = s.namespaces.find((n) => n.kind === 'host');
    if (!iface || !host?.interfaces.some((i) => i.name === iface)) {
      const names = host?.interfaces.map((i) => i.name).join(', ') ?? '';
      throw new QueryError(`--from '${word}': the host has no interface '${iface}'${names ? ` (it has ${names})` : ''}`);
    }
    return { kind: 'outside', ip, iface };
  }
  if (isIP(word)) return ownerOfIp(s, word) ?? { kind: 'outside', ip: word, iface: null };
  const c = findContainer(s, word);
  if (c) return { kind: 'container', containerId: containerWithNamespace(c).id };
  const ns = s.namespaces.find((n) => n.id === word || (n.kind === 'named' && n.name === word));
  if (ns) return ns.kind === 'host' ? { kind: 'host' } : { kind: 'namespace', namespaceId: ns.id };
  if (!s.docker) containers(s);
  throw unknownName(s, word, 'source');
}

export function parseTo(s: Snapshot, text: string): { to: Target; protocol: Protocol } {
  let rest = text.trim();
  if (!rest) throw new QueryError('--to is empty');
  let protocol: Protocol = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) {
    const p = rest.slice(slash + 1).toLowerCase();
    if (!(PROTOCOLS as readonly string[]).includes(p)) throw new QueryError(`--to '${text}': unknown protocol '${p}' (tcp, udp or icmp)`);
    protocol = p as Protocol;
    rest = rest.slice(0, slash);
  }
  let host = rest;
  let portText: string | null = null;
  const bracket = /^\[([^\]]+)\](?::(.*))?$/.exec(rest);
  if (bracket) [host, portText] = [bracket[1], bracket[2] ?? null];
  else if (isIP(rest) !== 6) {
    const colon = rest.lastIndexOf(':');
    if (colon >= 0) [host, portText] = [rest.slice(0, colon), rest.slice(colon + 1)];
  }
  let port: number | null = null;
  if (portText !== null) {
    if (!/^\d+$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      throw new QueryError(`--to '${text}': '${portText}' is not a port (1-65535)`);
    }
    port = Number(portText);
  }
  if (protocol === 'icmp' && port !== null) throw new QueryError(`--to '${text}': icmp has no ports`);
  if (!host) throw new QueryError(`--to '${text}': no destination before the port`);
  if (bracket && isIP(host) !== 6) throw new QueryError(`--to '${text}': '${host}' is not an IPv6 address`);
  if (isIP(host)) return { to: { kind: 'ip', ip: host, port }, protocol };
  const c = findContainer(s, host);
  if (c) return { to: { kind: 'container', containerId: containerWithNamespace(c).id, port }, protocol };
  if (host === 'host') throw new QueryError(`--to '${text}': name one of the host's addresses instead of 'host' (e.g. 127.0.0.1)`);
  const ns = s.namespaces.find((n) => n.kind === 'named' && n.name === host);
  if (ns) {
    const addrs = ns.interfaces.flatMap((i) => i.addresses.filter((a) => a.scope !== 'host').map((a) => a.address));
    throw new QueryError(`--to '${text}': '${host}' is a namespace; give one of its addresses${addrs.length ? ` (${addrs.join(', ')})` : ''}`);
  }
  if (!s.docker) containers(s);
  throw unknownName(s, host, 'destination');
}

export function parseQuery(s: Snapshot, from: string, to: string): TraceQuery {
  const source = parseFrom(s, from);
  const { to: target, protocol } = parseTo(s, to);
  return { from: source, to: target, protocol };
}

// ---- text output ----

/** Human names for the snapshot's objects: containers by name, namespaces by what lives in them. */
class Names {
  private readonly containerName: Map<string, string>;
  constructor(private readonly s: Snapshot) {
    this.containerName = new Map((s.docker?.containers ?? []).map((c) => [c.id, c.name]));
  }
  container(id: string): string {
    return this.containerName.get(id) ?? id.slice(0, 12);
  }
  namespace(id: string): string {
    const ns = this.s.namespaces.find((n) => n.id === id);
    if (!ns) return id;
    if (ns.kind === 'host') return 'host';
    if (ns.containers.length) return ns.containers.map((c) => this.container(c)).join('+');
    if (ns.kind === 'named' && ns.name) return `netns ${ns.name}`;
    return id;
  }
  endpoint(e: Endpoint): string {
    switch (e.kind) {
      case 'container':
        return `${this.container(e.containerId)} (container)`;
      case 'host':
        return 'the host';
      case 'namespace':
        return `${this.namespace(e.namespaceId)} (${e.namespaceId})`;
      case 'outside':
        return `${e.ip} outside${e.iface ? `, arriving on ${e.iface}` : ''}`;
    }
  }
  target(t: Target, protocol: Protocol): string {
    const where = t.kind === 'container' ? this.container(t.containerId) : isIP(t.ip) === 6 && t.port !== null ? `[${t.ip}]` : t.ip;
    return `${where}${t.port !== null ? `:${t.port}` : ''}/${protocol}`;
  }
}

function formatStep(step: Step, n: Names): string[] {
  switch (step.type) {
    case 'route': {
      // The decision often reads like `ip route get` already: add only what it does not say.
      const extra = [step.via && `via ${step.via}`, step.dev && `dev ${step.dev}`, step.src && `src ${step.src}`]
        .filter((x): x is string => !!x && !step.decision.includes(x));
      return [`route    in ${n.namespace(step.namespaceId)}: ${[step.decision, ...extra].join(' ')}`];
    }
    case 'hop':
      return [`hop      ${n.namespace(step.from.namespaceId)}/${step.from.iface} → ${n.namespace(step.to.namespaceId)}/${step.to.iface}: ${step.what}`];
    case 'bridge':
      return [`bridge   ${step.bridge}: ${step.from}${step.to ? ` → ${step.to}` : ''}${step.nfCalled ? ' (through iptables)' : ''}: ${step.what}`];
    case 'rule': {
      const where = `${step.family === 'ipv6' ? 'ip6 ' : ''}${step.hook} ${step.table}/${step.chain} ${step.index === null ? 'policy' : `#${step.index + 1}`}`;
      const lines = [`rule     ${n.namespace(step.namespaceId)} ${where} [${step.verdict}] ${step.text}${step.effect ? `  ⇒ ${step.effect}` : ''}`];
      if (step.explanation) lines.push(`           ${step.explanation}`);
      return lines;
    }
    case 'nat':
      return [`nat      ${step.kind.toUpperCase()} ${step.before} → ${step.after} (${step.by})`];
    case 'proxy':
      return [`proxy    ${step.pid !== null ? `docker-proxy pid ${step.pid}` : 'docker-proxy'} listening on ${step.listen} connects to ${step.connectsTo}: ${step.what}`];
    case 'deliver':
      return [`deliver  ${n.namespace(step.namespaceId)}${step.containerIds.length ? ` [${step.containerIds.map((c) => n.container(c)).join(', ')}]` : ''}: ${step.what}`];
    case 'note':
      return [`note     ${step.text}`];
  }
}

function formatOutcome(o: Outcome, n: Names): string {
  const reply = o.result !== 'delivered' && o.direction === 'reply' ? ' (the reply, not the first packet)' : '';
  switch (o.result) {
    case 'delivered': {
      if (o.leaves) {
        return `LEAVES the host through ${o.leaves.iface}${o.leaves.via ? ` via ${o.leaves.via}` : ''} (the snapshot sees nothing behind it); the next hop sees ${o.seenSource} → ${o.seenDestination}`;
      }
      const who = o.containerIds.length ? o.containerIds.map((c) => n.container(c)).join(', ') : n.namespace(o.namespaceId);
      const listener = o.listener === 'unknown' ? ' (whether anything listens there is not in the snapshot)' : '';
      return `DELIVERED to ${who} (${o.namespaceId})${o.port !== null ? ` port ${o.port}` : ''}; it sees ${o.seenSource} → ${o.seenDestination}${listener}`;
    }
    case 'dropped':
    case 'rejected':
      return `${o.result.toUpperCase()}${reply} in ${n.namespace(o.namespaceId)} by ${o.table}/${o.chain} ${o.index === null ? 'policy' : `#${o.index + 1}`}: ${o.rule}`;
    case 'no-route':
      return `NO ROUTE${reply} in ${n.namespace(o.namespaceId)} to ${o.destination}${o.why ? `: ${o.why}` : ''}`;
    case 'uncertain':
      return `UNCERTAIN${reply} at ${n.namespace(o.namespaceId)} ${o.table}/${o.chain}${o.index >= 0 ? ` #${o.index + 1}` : ''}: ${o.rule} — ${o.why}`;
  }
}

export function formatTrace(s: Snapshot, r: TraceResult, verbose = false): string {
  const n = new Names(s);
  const out: string[] = [];
  out.push(`trace: ${n.endpoint(r.query.from)} → ${n.target(r.query.to, r.query.protocol)}`, '');
  out.push(r.summary, '');
  out.push(`steps${r.legs > 1 ? ` (${r.legs} legs: docker-proxy opens a second connection)` : ''}:`);
  r.steps.forEach((step, i) => {
    const [first, ...more] = formatStep(step, n);
    out.push(`${String(i + 1).padStart(3)}. ${first}`, ...more.map((l) => `     ${l}`));
  });
  out.push('', `outcome: ${formatOutcome(r.outcome, n)}`);
  if (r.reply) out.push(`reply: ${r.reply}`);
  if (verbose && r.replySteps?.length) {
    out.push('', 'reply steps:');
    r.replySteps.forEach((step, i) => {
      const [first, ...more] = formatStep(step, n);
      out.push(`${String(i + 1).padStart(3)}. ${first}`, ...more.map((l) => `     ${l}`));
    });
  }
  return out.join('\n') + '\n';
}

// ---- the command ----

type Flags = Record<string, string | true>;

export async function loadSnapshot(file: string | undefined): Promise<Snapshot | string> {
  if (file === undefined) return collectSnapshot();
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    return `cannot read ${file}: ${(e as Error).message}`;
  }
  try {
    return parseSnapshot(JSON.parse(text));
  } catch (e) {
    if (e instanceof SyntaxError) return `${file} is not JSON: ${e.message}`;
    if (e instanceof SnapshotFormatError) return `${file}: ${e.message}`;
    throw e;
  }
}

async function readLines(file: string): Promise<string[]> {
  if (file !== '-') return (await readFile(file, 'utf8')).split('\n');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split('\n');
}

/** One batch line: {"from": "...", "to": "..."} in the command-line syntax, and "verbose": true if wanted. */
export function parseBatchLine(s: Snapshot, line: string): TraceQuery {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch {
    throw new QueryError('not JSON (expected {"from": "...", "to": "..."})');
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new QueryError('expected a JSON object {"from": "...", "to": "..."}');
  const { from, to, verbose } = obj as { from?: unknown; to?: unknown; verbose?: unknown };
  if (typeof from !== 'string' || typeof to !== 'string') throw new QueryError('"from" and "to" must both be strings');
  if (verbose !== undefined && typeof verbose !== 'boolean') throw new QueryError('"verbose" must be true or false');
  const q = parseQuery(s, from, to);
  return verbose ? { ...q, verbose } : q;
}

export async function traceCommand(flags: Flags, usage: string): Promise<number> {
  const fail = (msg: string, code: number, withUsage = false) => {
    process.stderr.write(`netatlas trace: ${msg}\n${withUsage ? `\n${usage}` : ''}`);
    return code;
  };
  const batch = typeof flags.batch === 'string' ? flags.batch : undefined;
  if (batch !== undefined && (flags.from !== undefined || flags.to !== undefined)) return fail('--batch reads its queries from the file; drop --from/--to', 2, true);
  if (batch === undefined && (typeof flags.from !== 'string' || typeof flags.to !== 'string')) return fail('needs --from and --to (or --batch FILE)', 2, true);

  let lines: string[] | null = null;
  if (batch !== undefined) {
    try {
      lines = await readLines(batch);
    } catch (e) {
      return fail(`cannot read ${batch}: ${(e as Error).message}`, 1);
    }
  }
  const snapshot = await loadSnapshot(typeof flags.snapshot === 'string' ? flags.snapshot : undefined);
  if (typeof snapshot === 'string') return fail(snapshot, 1);

  if (lines === null) {
    let query: TraceQuery;
    try {
      query = parseQuery(snapshot, flags.from as string, flags.to as string);
    } catch (e) {
      if (e instanceof QueryError) return fail(e.message, 2);
      throw e;
    }
    if (flags.verbose) query.verbose = true;
    const result = tracePath(snapshot, query);
    process.stdout.write(flags.json ? JSON.stringify(result, null, 2) + '\n' : formatTrace(snapshot, result, flags.verbose === true));
    return 0;
  }

  // Batch: one answer line per query line (blank lines skipped), in order; bad lines answer {"line", "error"}.
  let status = 0;
  const out: string[] = [];
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    try {
      const query = parseBatchLine(snapshot, line);
      if (flags.verbose) query.verbose = true;
      out.push(JSON.stringify(tracePath(snapshot, query)));
    } catch (e) {
      const queryError = e instanceof QueryError;
      const message = queryError ? e.message : `the simulator failed: ${(e as Error).message}`;
      process.stderr.write(`netatlas trace: ${batch}:${i + 1}: ${message}\n`);
      out.push(JSON.stringify({ line: i + 1, error: message }));
      status = Math.max(status, queryError ? 2 : 1);
    }
  });
  process.stdout.write(out.length ? out.join('\n') + '\n' : '');
  return status === 0 ? 0 : status;
}
