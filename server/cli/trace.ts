import { readFile } from 'node:fs/promises';
import { containerName, HOST_LABEL, hostPort, namespaceLabel, receiverLabel } from '../../lib/snapshot/names';
import type { Snapshot } from '../../lib/snapshot/schema';
import type { Endpoint, Outcome, Protocol, Step, Target, TraceQuery, TraceResult } from '../../lib/sim/types';
import { resolveQuery, type QueryErrors, type QueryField, type QueryOptions } from '../../lib/sim/query';
import type { NameResolution } from '../../lib/dns/resolve';
import { listenerText } from '../../lib/sim/listen';
import { tracePath } from '../../lib/sim/trace';
import { collectSnapshot } from '../collect/collector';
import { dataDirOf, loadSnapshotRef } from '../history/load-ref';
import { err, out as output } from '../safe-output';

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

/** What the command line asked, resolved: a query, or one message naming the flag each problem came from. */
export type FlagQuery = { ok: true; query: TraceQuery; resolution?: NameResolution } | { ok: false; errors: QueryErrors; message: string };

/** `--from`/`--to` through the one grammar (lib/sim/query.ts) the Paths panel's form also uses. */
export function queryFromFlags(s: Snapshot, from: string, to: string, options: QueryOptions = {}): FlagQuery {
  const r = resolveQuery(s, { from, to }, options);
  if (r.ok) return r;
  const said = (field: QueryField) => (field === 'from' ? `--from '${from}'` : `--to '${to}'`);
  const message = (Object.entries(r.errors) as [QueryField, string][]).map(([field, error]) => `${said(field)}: ${error}`).join('; ');
  return { ok: false, errors: r.errors, message };
}

export const resolutionText = (r: NameResolution) =>
  r.ok
    ? `name: ${r.name} resolves to ${r.addresses.join(', ')} (${r.via === 'hosts' ? '/etc/hosts' : `embedded DNS on ${r.network}`})`
    : `name: cannot resolve ${r.name}: ${r.reason}`;

/** Human names for the snapshot's objects (lib/snapshot/names), as the trace's lines put them. */
class TraceNames {
  constructor(private readonly s: Snapshot) {}
  container(id: string): string {
    return containerName(this.s, id);
  }
  namespace(id: string): string {
    return namespaceLabel(this.s, id);
  }
  receiver(nsId: string, containerIds: string[]): string {
    return receiverLabel(this.s, nsId, containerIds);
  }
  endpoint(e: Endpoint): string {
    switch (e.kind) {
      case 'container':
        return `${this.container(e.containerId)} (container)`;
      case 'host':
        return HOST_LABEL;
      case 'namespace':
        return `${this.namespace(e.namespaceId)} (${e.namespaceId})`;
      case 'outside':
        return `${e.ip} outside${e.iface ? `, arriving on ${e.iface}` : ''}`;
    }
  }
  target(t: Target, protocol: Protocol): string {
    return `${t.kind === 'container' ? hostPort(this.container(t.containerId), t.port) : hostPort(t.ip, t.port)}/${protocol}`;
  }
}

function formatStep(step: Step, n: TraceNames): string[] {
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
      return [`nat      ${step.kind.toUpperCase()} ${hostPort(step.before.ip, step.before.port)} → ${hostPort(step.after.ip, step.after.port)} (${step.by})`];
    case 'proxy':
      return [`proxy    ${step.pid !== null ? `docker-proxy pid ${step.pid}` : 'docker-proxy'} listening on ${step.listen} connects to ${step.connectsTo}: ${step.what}`];
    case 'deliver':
      return [`deliver  ${n.namespace(step.namespaceId)}${step.containerIds.length ? ` [${n.receiver(step.namespaceId, step.containerIds)}]` : ''}: ${step.what}`];
    case 'note':
      return [`note     ${step.text}`];
  }
}

function formatOutcome(o: Outcome, n: TraceNames): string {
  const reply = o.result !== 'delivered' && o.direction === 'reply' ? ' (the reply, not the first packet)' : '';
  switch (o.result) {
    case 'delivered': {
      if (o.leaves) {
        return `LEAVES the host through ${o.leaves.iface}${o.leaves.via ? ` via ${o.leaves.via}` : ''} (the snapshot sees nothing behind it); the next hop sees ${o.seenSource} → ${o.seenDestination}`;
      }
      const who = n.receiver(o.namespaceId, o.containerIds);
      const listener = o.listener === 'unknown' ? ' (whether anything listens there is not in the snapshot)' : o.listener ? `, taken by the socket on ${listenerText(o.listener)}` : '';
      return `DELIVERED to ${who} (${o.namespaceId})${o.port !== null ? ` port ${o.port}` : ''}; it sees ${o.seenSource} → ${o.seenDestination}${listener}`;
    }
    case 'refused':
    case 'port-unreachable':
      return `${o.result === 'refused' ? 'REFUSED (RST)' : 'PORT UNREACHABLE (ICMP)'} in ${n.namespace(o.namespaceId)} at ${o.destination}: ${o.why}`;
    case 'dropped':
    case 'rejected':
      if (o.cause !== 'rule') return `${o.result.toUpperCase()}${reply} by the kernel in ${n.namespace(o.namespaceId)} (${o.cause}): ${o.why}`;
      return `${o.result.toUpperCase()}${reply} in ${n.namespace(o.namespaceId)} by ${o.table}/${o.chain} ${o.index === null ? 'policy' : `#${o.index + 1}`}: ${o.rule}`;
    case 'no-route':
      return `NO ROUTE${reply} in ${o.namespaceId === null ? 'the source (no network namespace)' : n.namespace(o.namespaceId)} to ${o.destination}${o.why ? `: ${o.why}` : ''}`;
    case 'uncertain':
      if (o.cause !== 'rule') return `UNCERTAIN${reply} at ${n.namespace(o.namespaceId)} (${o.cause}): ${o.why}`;
      return `UNCERTAIN${reply} at ${n.namespace(o.namespaceId)} ${o.table}/${o.chain} #${o.index + 1}: ${o.rule} — ${o.why}`;
  }
}

export function formatTrace(s: Snapshot, r: TraceResult, verbose = false): string {
  const n = new TraceNames(s);
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

type Flags = Record<string, string | true>;

/** The live host, or the snapshot `--snapshot REF` names (lib/snapshot/ref.ts), or why it cannot be had. */
export async function loadSnapshot(ref: string | undefined, dataDir: string | undefined): Promise<Snapshot | string> {
  if (ref === undefined) return collectSnapshot();
  const loaded = await loadSnapshotRef(ref, dataDirOf(dataDir));
  return loaded.ok ? loaded.snapshot : loaded.error;
}

async function readLines(file: string): Promise<string[]> {
  if (file !== '-') return (await readFile(file, 'utf8')).split('\n');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split('\n');
}

/** One batch line: {"from": "...", "to": "..."} in the command-line syntax, and "verbose": true if wanted. */
export function parseBatchLine(s: Snapshot, line: string): { ok: true; query: TraceQuery } | { ok: false; message: string } {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch {
    return { ok: false, message: 'not JSON (expected {"from": "...", "to": "..."})' };
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return { ok: false, message: 'expected a JSON object {"from": "...", "to": "..."}' };
  const { from, to, verbose } = obj as { from?: unknown; to?: unknown; verbose?: unknown };
  if (typeof from !== 'string' || typeof to !== 'string') return { ok: false, message: '"from" and "to" must both be strings' };
  if (verbose !== undefined && typeof verbose !== 'boolean') return { ok: false, message: '"verbose" must be true or false' };
  const q = queryFromFlags(s, from, to);
  if (!q.ok) return q;
  return { ok: true, query: verbose ? { ...q.query, verbose } : q.query };
}

export async function traceCommand(flags: Flags, usage: string): Promise<number> {
  const fail = (msg: string, code: number, withUsage = false) => {
    err.text(`netatlas trace: ${msg}\n${withUsage ? `\n${usage}` : ''}`);
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
  const snapshot = await loadSnapshot(typeof flags.snapshot === 'string' ? flags.snapshot : undefined, typeof flags.data === 'string' ? flags.data : undefined);
  if (typeof snapshot === 'string') return fail(snapshot, 1);

  if (lines === null) {
    // A single query resolves a destination name as the source container would (--batch takes names literally).
    const q = queryFromFlags(snapshot, flags.from as string, flags.to as string, { resolveNames: true });
    if (!q.ok) return fail(q.message, 2);
    const query: TraceQuery = flags.verbose ? { ...q.query, verbose: true } : q.query;
    const result = tracePath(snapshot, query);
    const { resolution } = q;
    // In JSON only when it changed the target (to an address) or could not resolve: a plain container name stays a
    // container target, as in --batch, so single and batch answers stay equal.
    const telling = resolution && (!resolution.ok || query.to.kind === 'ip');
    if (flags.json) output.json(JSON.stringify(telling ? { ...result, resolution } : result, null, 2) + '\n');
    else output.text(`${resolution ? `${resolutionText(resolution)}\n` : ''}${formatTrace(snapshot, result, flags.verbose === true)}`);
    return 0;
  }

  // Batch: one answer line per query line (blank lines skipped), in order; bad lines answer {"line", "error"}.
  let status = 0;
  const out: string[] = [];
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const answer = (message: string, code: number) => {
      err.text(`netatlas trace: ${batch}:${i + 1}: ${message}\n`);
      out.push(JSON.stringify({ line: i + 1, error: message }));
      status = Math.max(status, code);
    };
    const q = parseBatchLine(snapshot, line);
    if (!q.ok) return answer(q.message, 2);
    const query: TraceQuery = flags.verbose ? { ...q.query, verbose: true } : q.query;
    // A snapshot from a live host may hold shapes nobody foresaw: one query's failure must not lose the others.
    try {
      out.push(JSON.stringify(tracePath(snapshot, query)));
    } catch (e) {
      answer(`the simulator failed: ${(e as Error).message}`, 1);
    }
  });
  output.json(out.length ? out.join('\n') + '\n' : '');
  return status === 0 ? 0 : status;
}
