import type { Snapshot } from '../snapshot/schema';
import { hostPort, isLoopbackIP, parseIP, sameIP, type IP } from './addr';
import { Oracle, portOf, stopWith, type ChoicePoint } from './packet';
import { prepare } from './prepare';
import { proxyListen } from './proxy';
import { familyOf, isLocal, lookup } from './routing';
import { replyText, summaryText } from './summary';
import type { Outcome, Step, TraceQuery, TraceResult } from './types';
import type { NsView, Prepared } from './view';
import { arriveFromOutside, connect, replyTo, stopped, type Delivery, type Walked } from './walk';
import { Walk } from './walk-state';

export { prepare } from './prepare';

/**
 * The packet-path simulator's entry point: the first packet of a new connection (and its reply), walked through
 * the snapshot. Pure; `prepare(s)` indexes a snapshot once (cached).
 *
 * A rule whose match cannot be evaluated (an ipset, an unknown module) is a branch point: the trace is run again
 * with each answer, and only if every branch ends alike (same success, same source seen) is the answer certain.
 */

/** More branches than this and the trace gives up on certainty at the first unknown rule. */
const MAX_RUNS = 64;

interface Run {
  w: Walk;
  outcome: Outcome;
  story: string[];
  replyStory: string[];
  replySteps: Step[];
  legs: number;
  head: string;
}

interface Resolved {
  dst: IP;
  port: number | null;
  /** How the target reads in sentences. */
  text: string;
  notes: string[];
}

/** A container target with no address to connect to: the trace ends before the first packet. */
interface Unreachable {
  unreachable: string;
  why: string;
}

function containerView(p: Prepared, id: string): { view: NsView | null; name: string; cid: string } {
  // Queries name containers by id (lib/sim/query.ts resolves what people type).
  const c = p.containers.get(id);
  if (!c) throw new Error(`no container ${id} in the snapshot`);
  const nsId = p.containerNs.get(c.id);
  return { view: nsId ? p.views.get(nsId) ?? null : null, name: c.name, cid: c.id };
}

function sourceView(p: Prepared, q: TraceQuery): { view: NsView | null; label: string } {
  const f = q.from;
  switch (f.kind) {
    case 'container': {
      const c = containerView(p, f.containerId);
      return { view: c.view, label: c.name };
    }
    case 'host':
      if (!p.host) throw new Error('the snapshot has no host namespace');
      return { view: p.host, label: p.host.label };
    case 'namespace': {
      const v = p.views.get(f.namespaceId);
      if (!v) throw new Error(`no namespace ${f.namespaceId} in the snapshot`);
      return { view: v, label: v.label };
    }
    case 'outside':
      if (!p.host) throw new Error('the snapshot has no host namespace');
      return { view: p.host, label: `${f.ip} (outside)` };
  }
}

/** A container target's address: on a network the source shares with it (as its DNS name would give), else its first. */
function resolveTarget(p: Prepared, q: TraceQuery, src: NsView | null): Resolved | Unreachable {
  const t = q.to;
  if (t.kind === 'ip') {
    const ip = parseIP(t.ip);
    if (!ip) throw new Error(`not an IP address: ${t.ip}`);
    return { dst: ip, port: t.port, text: hostPort(ip, t.port), notes: [] };
  }
  const c = containerView(p, t.containerId);
  const target = p.containers.get(c.cid)!;
  const owner = target.networkMode.sharedWith ? p.containers.get(target.networkMode.sharedWith) ?? target : target;
  if (c.view?.isHost && p.host) {
    // A host-network container is reached at one of the host's addresses: loopback from the host itself, else the
    // address the source's route to the host leads to (its gateway), else the host's first global address.
    let ip: IP | null = null;
    if (src?.isHost) ip = parseIP('127.0.0.1');
    for (const r of src?.routes[4] ?? []) if (!ip && r.gw && isLocal(p.host, r.gw)) ip = r.gw;
    ip ??= p.host.addrs[4].find((a) => a.scope === 'global')?.ip ?? null;
    if (!ip) return { unreachable: c.name, why: `no address to reach ${c.name} at (it uses the host's network, and the host has no global IPv4 address)` };
    return { dst: ip, port: t.port, text: `${c.name} (host network, ${hostPort(ip, t.port)})`, notes: [`${c.name} uses the host's network: reached at ${ip.text}`] };
  }
  const srcNets = new Set(
    (src ? src.ns.containers.flatMap((id) => p.containers.get(id)?.endpoints ?? []) : []).map((e) => e.networkId),
  );
  const eps = owner.endpoints.filter((e) => e.ipv4 || e.ipv6);
  const ep = eps.find((e) => srcNets.has(e.networkId) && e.ipv4) ?? eps.find((e) => e.ipv4) ?? eps[0];
  const addr = ep ? parseIP((ep.ipv4 ?? ep.ipv6)!) : null;
  if (!ep || !addr) return { unreachable: c.name, why: `no address to reach ${c.name} at (it has no network address)` };
  return {
    dst: addr,
    port: t.port,
    text: `${c.name} (${hostPort(addr, t.port)})`,
    notes: [`${c.name} is reached at its address on ${ep.networkName}: ${addr.text}${eps.length > 1 ? ` (it has ${eps.length} networks)` : ''}`],
  };
}

function runOnce(p: Prepared, q: TraceQuery, answers: boolean[], ipvsPick = 0): Run {
  const w = new Walk(p, new Oracle(answers), q.verbose === true);
  w.ipvsPick = ipvsPick;
  const forwardSteps = w.steps;
  const forwardStory = w.story;
  const replySteps: Step[] = [];
  const replyStory: string[] = [];
  const run = (legs: number, outcome: Outcome): Run => {
    w.steps = forwardSteps;
    w.story = forwardStory;
    return { w, outcome, story: forwardStory, replyStory, replySteps, legs, head };
  };
  /** The reply of a delivered leg, walked into the reply's own steps; its Stop (if any) marked as the reply's. */
  const replyFails = (d: Delivery): Outcome | null => {
    w.steps = replySteps;
    w.story = replyStory;
    const back = replyTo(w, d);
    w.steps = forwardSteps;
    w.story = forwardStory;
    if (!stopped(back)) return null;
    forwardSteps.push({ type: 'note', text: 'the reply fails on its way back (see replySteps)' });
    return back.stop.result === 'delivered' ? back.stop : { ...back.stop, direction: 'reply' };
  };

  const src = sourceView(p, q);
  const target = resolveTarget(p, q, src.view);
  if ('unreachable' in target) {
    const outcome: Outcome = { result: 'no-route', namespaceId: src.view?.id ?? null, destination: target.unreachable, why: target.why };
    return { w, outcome, story: forwardStory, replyStory, replySteps, legs: 1, head: `${src.label} → ${target.unreachable}/${q.protocol}` };
  }
  const head = `${src.label} → ${target.text}/${q.protocol}`;
  for (const n of target.notes) w.note(n);
  for (const n of src.view?.nfNotes ?? []) w.note(n);
  if (p.host && p.host !== src.view) for (const n of p.host.nfNotes) w.note(n);
  if (p.s.host.iptables.warning) w.note(p.s.host.iptables.warning);
  if (q.to.port === null && q.protocol !== 'icmp') w.note('no port given: rules on ports cannot be evaluated');

  const d1 = start(w, q, src.view, target);
  if (stopped(d1)) return run(1, d1.stop);
  const back1 = replyFails(d1);
  if (back1) return run(1, back1);
  if (!d1.proxy) return run(1, delivered(d1));

  const x = d1.proxy;
  const cip = parseIP(x.containerIp);
  if (!cip) return run(2, { result: 'uncertain', cause: 'docker-proxy', namespaceId: d1.view.id, why: `docker-proxy's container address ${x.containerIp} is not understood` });
  w.steps.push({
    type: 'proxy',
    pid: x.pid,
    listen: proxyListen(x),
    connectsTo: hostPort(cip, x.containerPort),
    what: `docker-proxy accepts the connection on ${proxyListen(x)} and opens its own, from the host, to ${hostPort(cip, x.containerPort)}`,
  });
  w.story.push(`is taken by docker-proxy (pid ${x.pid}) listening on ${proxyListen(x)}, which opens a second connection to ${hostPort(cip, x.containerPort)}: that one`);
  const d2 = connect(w, d1.view, q.protocol, cip, x.containerPort);
  if (stopped(d2)) return run(2, d2.stop);
  return run(2, replyFails(d2) ?? delivered(d2));
}

function delivered(d: Delivery): Outcome {
  const port = portOf(d.pkt);
  return {
    result: 'delivered',
    namespaceId: d.view.id,
    containerIds: d.leaves ? [] : d.view.ns.containers,
    port,
    seenSource: d.pkt.src.text,
    seenDestination: hostPort(d.pkt.dst, port),
    ...(d.leaves ? { listener: 'unknown' as const, leaves: d.leaves } : d.listen ? { listener: d.listen.kind === 'listening' ? d.listen.listener : ('unknown' as const) } : {}),
  };
}

function start(w: Walk, q: TraceQuery, view: NsView | null, t: Resolved): Walked {
  const f = q.from;
  if (!view) return stopWith({ result: 'no-route', namespaceId: null, destination: t.dst.text, why: 'no network namespace (the container is not running)' });
  if (f.kind !== 'outside') return connect(w, view, q.protocol, t.dst, t.port);
  const ip = parseIP(f.ip);
  if (!ip) throw new Error(`not an IP address: ${f.ip}`);
  if (familyOf(ip) !== familyOf(t.dst)) throw new Error(`${f.ip} and ${t.dst.text} are not of the same address family`);
  let iface = f.iface;
  if (!iface) {
    // Where the client must be: the interface the host would route its address to.
    const r = lookup(view, ip);
    if (r.kind !== 'unicast') return stopWith({ result: 'no-route', namespaceId: view.id, destination: f.ip, why: `no route to ${f.ip}, so where the client is cannot be told: give the interface it arrives on` });
    iface = r.dev;
    w.note(`${f.ip} is reached through ${iface}: assumed to arrive there`);
  }
  // A client sending to its own address (or its own loopback) never puts the packet on the wire: when the namespace
  // behind `iface` is in the snapshot, the trace is that namespace's; else it stays with the client.
  const ifc = view.ifaces.get(iface);
  const peer = ifc?.peer ? w.p.views.get(ifc.peer.namespaceId) : undefined;
  if (peer && isLocal(peer, ip) && (isLocal(peer, t.dst) || isLoopbackIP(t.dst))) {
    w.note(`${t.dst.text} is the client's own (${peer.label}, behind ${iface}): it never enters the host`);
    return connect(w, peer, q.protocol, t.dst, t.port);
  }
  if (sameIP(ip, t.dst) || isLoopbackIP(t.dst)) {
    w.note(`${t.dst.text} is the client's own address: it never enters the host, and what listens there is not in the snapshot`);
    // It stays on the client's side of `iface`: the snapshot's nearest way to say so is "handed on through iface".
    return stopWith({
      result: 'delivered', namespaceId: view.id, containerIds: [], port: t.port, seenSource: ip.text, seenDestination: hostPort(t.dst, t.port),
      listener: 'unknown', leaves: { iface, via: null },
    });
  }
  return arriveFromOutside(w, view, iface, q.protocol, ip, t.dst, t.port);
}

/** Equal keys: the same success (and source seen), or failure in any way. */
function outcomeKey(o: Outcome): string {
  if (o.result === 'delivered') return `ok ${o.namespaceId} ${o.seenSource} ${o.seenDestination}`;
  if (o.result === 'uncertain') return o.cause === 'rule' ? `uncertain ${o.namespaceId} ${o.chain} ${o.index} ${o.why}` : `uncertain ${o.namespaceId} ${o.cause} ${o.why}`;
  return 'fails';
}

/**
 * Runs the trace once per combination of answers to the unknown rules met (depth first, capped). Returns the
 * default run (every unknown rule assumed not to match) and, if the answers change the outcome, the first
 * unknown rule whose answer does.
 */
function explore(p: Prepared, q: TraceQuery): { base: Run; decisive: ChoicePoint | null; unknowns: ChoicePoint[]; capped: boolean } {
  const base = runOnce(p, q, []);
  const points = base.w.oracle.points;
  if (points.length === 0) return { base, decisive: null, unknowns: [], capped: false };
  const baseKey = outcomeKey(base.outcome);
  let runs = 1;
  let capped = false;
  // Whether any run under this prefix ends differently from the base run.
  const differs = (prefix: boolean[]): boolean => {
    if (runs >= MAX_RUNS) {
      capped = true;
      return true;
    }
    runs++;
    const r = runOnce(p, q, prefix);
    if (outcomeKey(r.outcome) !== baseKey) return true;
    for (let j = prefix.length; j < r.w.oracle.points.length; j++) if (differs([...prefix, ...Array<boolean>(j - prefix.length).fill(false), true])) return true;
    return false;
  };
  for (let j = 0; j < points.length; j++) {
    if (differs([...Array<boolean>(j).fill(false), true])) return { base, decisive: points[j], unknowns: points, capped };
  }
  return { base, decisive: null, unknowns: points, capped };
}

/**
 * IPVS sends each new connection to one real server, chosen by its scheduler: the trace followed the first; the
 * others are tried too. All reach their server → the outcome stands, with a note naming them; otherwise it is
 * uncertain (cause ipvs), saying which servers are reached and which not.
 */
function acrossRealServers(p: Prepared, q: TraceQuery, base: Run, outcome: Outcome, steps: Step[]): Outcome {
  const met = base.w.ipvsMet;
  if (!met || met.reals.length < 2 || outcome.result === 'uncertain') return outcome;
  const ok = (o: Outcome) => o.result === 'delivered';
  const ends = [outcome, ...met.reals.slice(1).map((_, i) => runOnce(p, q, [], i + 1).outcome)];
  const list = met.reals.join(', ');
  if (ends.every((o) => ok(o) === ok(outcome))) {
    steps.push({ type: 'note', text: `IPVS (${met.service}) sends each new connection to one of ${met.reals.length} real servers (${list}); followed to the first here, and every one of them ${ok(outcome) ? 'is reached' : 'fails alike'}` });
    return outcome;
  }
  const each = ends.map((o, i) => `${met.reals[i]} ${ok(o) ? 'is reached' : `fails (${o.result})`}`).join('; ');
  return { result: 'uncertain', cause: 'ipvs', namespaceId: met.namespaceId, why: `IPVS (${met.service}) picks one of ${met.reals.length} real servers per connection, and they differ: ${each}` };
}

/**
 * Every way a trace can end is a result (delivered, dropped, rejected, no route, uncertain). It throws only for a
 * query that does not fit the snapshot (an unknown container id, a malformed address): resolve what people type
 * with lib/sim/query.ts first.
 */
export function tracePath(s: Snapshot, q: TraceQuery): TraceResult {
  const p = prepare(s);
  const { base, decisive, unknowns, capped } = explore(p, q);
  let outcome = base.outcome;
  const steps = base.w.steps;
  if (decisive && outcome.result !== 'uncertain') {
    const why = capped ? `${decisive.why} (too many unknown rules to try every combination)` : decisive.why;
    outcome = { result: 'uncertain', cause: 'rule', namespaceId: decisive.namespaceId, table: decisive.table, chain: decisive.chain, index: decisive.index, rule: decisive.rule, why };
  } else if (unknowns.length) {
    steps.push({
      type: 'note',
      text: `${unknowns.length === 1 ? 'a rule' : `${unknowns.length} rules`} could not be evaluated (${unknowns.map((u) => `${u.table} ${u.chain} rule ${u.index + 1}: ${u.why}`).join('; ')}), but the outcome is the same either way`,
    });
  }
  outcome = acrossRealServers(p, q, base, outcome, steps);
  return {
    query: q,
    outcome,
    steps,
    legs: base.legs,
    summary: summaryText(p, base.head, base.w, base.story, outcome),
    reply: replyText(base.replyStory, outcome, base.legs),
    replySteps: base.replySteps,
  };
}
