import { containerName, hostPort as addressText } from '../snapshot/names';
import type { DockerProxy, Interface } from '../snapshot/schema';
import { dockerSandboxOfNamespace } from '../docker/swarm';
import { hostPort, isLoopbackIP, parseIP, sameIP, type IP } from './addr';
import { ipvsServiceFor, type IpvsService } from '../net/ipvs';
import { runHook } from './hooks';
import { EPHEMERAL, portOf, stopWith, type Conn, type HookIO, type Pkt, type Stop } from './packet';
import { childAt, macvlanIndex, type MacvlanChild } from './macvlan';
import { findListener, listenerText, type ListenCheck } from './listen';
import { findProxy } from './proxy';
import { familyOf, isLocal, lookup, selectSource, type RouteResult } from './routing';
import type { Protocol } from './types';
import type { NsView } from './view';
import type { Walk } from './walk-state';

/**
 * The packet's journey: out of a socket (routing, OUTPUT, POSTROUTING), across veths and bridges (with
 * br_netfilter's hooks for bridged frames), into namespaces (PREROUTING, routing, INPUT or FORWARD +
 * POSTROUTING), until it is delivered, leaves the snapshot's world, or is stopped. The same functions carry the
 * reply back (dir 'reply'), where conntrack finds the connection and undoes its NAT.
 */

export interface Delivery {
  view: NsView;
  pkt: Pkt;
  /** It left through an interface the snapshot sees nothing behind (an uplink): the next hop takes it. */
  leaves: { iface: string; via: string | null } | null;
  proxy: DockerProxy | null;
  /** Who takes it there (lib/sim/listen.ts); null when the question does not arise (ICMP, no port, a reply, leaving). */
  listen: ListenCheck | null;
}

/** Where a walk got to: delivered (or handed on), or stopped on the way. */
export type Walked = Delivery | Stop;
export const stopped = (r: Walked): r is Stop => 'stop' in r;

const io = (inIf: string, outIf: string, physIn: string | null = null, physOut: string | null = null, bridged = false): HookIO => ({
  inIf,
  outIf,
  physIn,
  physOut,
  bridged,
});

/** Where the first packet finally went: the reply comes from there and goes back to the final source. */
const finalSrc = (c: Conn) => c.snat?.ip ?? c.origSrc;
const finalDst = (c: Conn) => c.dnat?.ip ?? c.origDst;
const finalDport = (c: Conn) => c.dnat?.port ?? c.origDport;

function routeStep(w: Walk, view: NsView, r: RouteResult, src: IP | null): void {
  const u = r.kind === 'unicast' ? r : null;
  w.steps.push({
    type: 'route',
    namespaceId: view.id,
    decision: r.text,
    via: u?.gw?.text ?? null,
    dev: u ? u.dev : r.kind === 'local' ? 'lo' : null,
    src: src?.text ?? null,
  });
}

const onReply = (pkt: Pkt) => (pkt.dir === 'reply' ? { direction: 'reply' as const } : {});

function noRoute(view: NsView, pkt: Pkt, why: string, isolation?: MacvlanChild): Stop {
  return stopWith({
    result: 'no-route', namespaceId: view.id, destination: pkt.dst.text, why,
    ...(isolation ? { isolation: { driver: isolation.driver, parent: isolation.parent, containerId: isolation.containerId } } : {}),
    ...onReply(pkt),
  });
}

/** The kernel itself drops it: a martian address, or forwarding off. */
function kernelDrop(view: NsView, pkt: Pkt, cause: 'martian' | 'forwarding', why: string): Stop {
  return stopWith({ result: 'dropped', cause, namespaceId: view.id, why, ...onReply(pkt) });
}

function uncertain(view: NsView, cause: 'route' | 'forwarding' | 'conntrack' | 'reply' | 'ipvs', why: string): Stop {
  return stopWith({ result: 'uncertain', cause, namespaceId: view.id, why });
}

/** The connection's entry in this namespace: a new one for the first packet, the existing one for the reply. */
function ctEnter(w: Walk, view: NsView, pkt: Pkt): Stop | null {
  if (pkt.dir === 'orig') {
    const conn: Conn = {
      nsId: view.id, proto: pkt.proto, untracked: false, origSrc: pkt.src, origDst: pkt.dst, origDport: portOf(pkt),
      dnat: null, snat: null, dnatDone: false, snatDone: false, ctmark: 0,
    };
    w.conns.push(conn);
    pkt.ct = conn;
    return null;
  }
  const sport = pkt.sport[0];
  const conn = w.conns.find(
    (c) => c.nsId === view.id && c.proto === pkt.proto && sameIP(finalDst(c), pkt.src) && sameIP(finalSrc(c), pkt.dst) && (finalDport(c) === null || finalDport(c) === sport),
  );
  if (!conn) return uncertain(view, 'conntrack', `the reply reaches ${view.label}, which has no record of the connection (it takes another path back)`);
  pkt.ct = conn;
  return null;
}

const routeLocalnet = (w: Walk, view: NsView, dev: string) => view.isHost && w.p.s.host.sysctls.routeLocalnet[dev] === 1;

function brNf(w: Walk, pkt: Pkt): boolean {
  const sc = w.p.s.host.sysctls;
  return (pkt.family === 4 ? sc.bridgeNfCallIptables : sc.bridgeNfCallIp6tables) === 1;
}

/** A socket in `view` opens a connection to `dst`: the kernel picks the route and the source address. */
export function connect(w: Walk, view: NsView, proto: Protocol, dst: IP, dport: number | null): Walked {
  const r = lookup(view, dst);
  const src = selectSource(view, dst, r);
  routeStep(w, view, r, src);
  const pkt: Pkt = { family: familyOf(dst), proto, src: src ?? dst, dst, sport: EPHEMERAL, dport, mark: 0, dir: 'orig', ct: null };
  if (r.kind === 'none') return noRoute(view, pkt, `no route to ${dst.text}`);
  if (r.kind === 'refused') return noRoute(view, pkt, r.text);
  if (r.kind === 'unknown') return uncertain(view, 'route', r.text);
  if (!src) return noRoute(view, pkt, `no address to send from towards ${dst.text}`);
  w.client = { kind: 'local', nsId: view.id, ip: src };
  w.story.push(
    r.kind === 'local'
      ? `leaves ${view.label}'s socket from ${src.text} over loopback (${dst.text} is local)`
      : `leaves ${view.label} from ${src.text} through ${r.dev}${r.gw ? ` via ${r.gw.text}` : ''}`,
  );
  return output(w, view, pkt, r);
}

/** A local socket answers: the reply leaves `view` through OUTPUT and POSTROUTING. */
export function sendReply(w: Walk, view: NsView, pkt: Pkt): Walked {
  const r = lookup(view, pkt.dst);
  routeStep(w, view, r, pkt.src);
  if (r.kind !== 'local' && r.kind !== 'unicast') return noRoute(view, pkt, `no route back to ${pkt.dst.text}`);
  return output(w, view, pkt, r);
}

function output(w: Walk, view: NsView, pkt: Pkt, first: RouteResult): Walked {
  let r = first;
  const outIf = () => (r.kind === 'unicast' ? r.dev : 'lo');
  const before = pkt.dst;
  const out = ctEnter(w, view, pkt) ?? runHook(w, view, pkt, 'OUTPUT', io('', outIf()));
  if (out) return out;
  if (!sameIP(before, pkt.dst)) {
    // NAT in OUTPUT changed the destination: the kernel routes again (the source address stays).
    r = lookup(view, pkt.dst);
    routeStep(w, view, r, pkt.src);
    if (r.kind === 'none' || r.kind === 'refused') return noRoute(view, pkt, r.kind === 'none' ? `no route to ${pkt.dst.text}` : r.text);
    if (r.kind === 'unknown') return uncertain(view, 'route', r.text);
    if (r.kind === 'unicast') w.story.push(`is routed again, out of ${r.dev}`);
    if (isLoopbackIP(pkt.src) && outIf() !== 'lo' && !routeLocalnet(w, view, outIf()))
      return kernelDrop(view, pkt, 'martian', `source ${pkt.src.text} may not leave through ${outIf()} (route_localnet=0)`);
  }
  const nexthop = r.kind === 'unicast' ? r.nexthop : pkt.dst;
  const post = runHook(w, view, pkt, 'POSTROUTING', io('', outIf()), nexthop);
  if (post) return post;
  if (r.kind === 'local') {
    w.steps.push({ type: 'hop', from: { namespaceId: view.id, iface: 'lo' }, to: { namespaceId: view.id, iface: 'lo' }, what: 'looped back to this namespace' });
    return receive(w, view, pkt, 'lo', null, 'loopback');
  }
  return transmit(w, view, pkt, (r as Extract<RouteResult, { kind: 'unicast' }>).dev, nexthop);
}

/**
 * A packet arrives in `view` on `inIf` (`physIn`: the bridge port it came through, with br_netfilter). `mode`:
 * 'loopback' keeps the connection entry made in OUTPUT; 'routed' starts after a bridged PREROUTING already ran.
 */
function receive(w: Walk, view: NsView, pkt: Pkt, inIf: string, physIn: string | null, mode: 'new' | 'loopback' | 'routed' = 'new'): Walked {
  if (mode === 'new') {
    const ct = ctEnter(w, view, pkt);
    if (ct) return ct;
    if (isLoopbackIP(pkt.src) && !routeLocalnet(w, view, inIf)) return kernelDrop(view, pkt, 'martian', `source ${pkt.src.text} arriving on ${inIf}`);
    // fib_validate_source: a packet from outside claiming one of this namespace's own addresses (accept_local=0).
    if (view.local[pkt.family].has(pkt.src.text)) return kernelDrop(view, pkt, 'martian', `source ${pkt.src.text} is this namespace's own address, arriving on ${inIf}`);
  }
  const before = pkt.dst;
  const pre = mode !== 'routed' ? runHook(w, view, pkt, 'PREROUTING', io(inIf, '', physIn)) : null;
  if (pre) return pre;
  if (inIf !== 'lo' && isLoopbackIP(pkt.dst) && !routeLocalnet(w, view, inIf))
    return kernelDrop(view, pkt, 'martian', `destination ${pkt.dst.text} arriving on ${inIf} (route_localnet=0)`);
  const r = lookup(view, pkt.dst);
  routeStep(w, view, r, null);
  if (r.kind === 'local') {
    return runHook(w, view, pkt, 'INPUT', io(inIf, '', physIn)) ?? deliverLocal(w, view, pkt);
  }
  if (r.kind === 'none' || r.kind === 'refused') return noRoute(view, pkt, r.kind === 'none' ? `no route to ${pkt.dst.text}` : r.text);
  if (r.kind === 'unknown') return uncertain(view, 'route', r.text);
  if (physIn && r.dev === inIf && !sameIP(before, pkt.dst)) {
    // br_netfilter: a frame whose destination NAT leads back into the bridge it came from is bridged, not routed.
    const owner = view.bridges.get(inIf)?.get(r.nexthop.text);
    if (owner?.kind === 'port') return bridgedForward(w, view, inIf, physIn, owner, pkt);
  }
  // Other namespaces' forwarding is known where the collector read it (swarm's load balancers, IPv4).
  const fwd = view.isHost ? (pkt.family === 4 ? w.p.s.host.sysctls.ipv4Forward : w.p.s.host.sysctls.ipv6Forward) : pkt.family === 4 ? (view.ns.ipv4Forward ?? null) : null;
  if (fwd === 0) return kernelDrop(view, pkt, 'forwarding', `net.ipv${pkt.family}.${pkt.family === 4 ? 'ip_forward' : 'conf.all.forwarding'}=0`);
  if (fwd === null) return uncertain(view, 'forwarding', `${view.label} would have to forward it to ${pkt.dst.text}, and whether it forwards is not in the snapshot`);
  w.story.push(`is routed by ${view.label} out of ${r.dev}${r.gw ? ` via ${r.gw.text}` : ''}`);
  return (
    runHook(w, view, pkt, 'FORWARD', io(inIf, r.dev, physIn)) ??
    runHook(w, view, pkt, 'POSTROUTING', io(inIf, r.dev, physIn), r.nexthop) ??
    transmit(w, view, pkt, r.dev, r.nexthop)
  );
}

function deliverLocal(w: Walk, view: NsView, pkt: Pkt): Walked {
  if (pkt.dir === 'reply') {
    const c = w.client;
    if (c?.kind === 'local' && c.nsId === view.id && sameIP(c.ip, pkt.dst)) return { view, pkt, leaves: null, proxy: null, listen: null };
    return uncertain(view, 'reply', `the reply is delivered to ${view.label} (${pkt.dst.text}), not to the client`);
  }
  // IPVS takes packets at LOCAL_IN, after INPUT's rules: in swarm's sandboxes it forwards them to a task instead.
  const sandbox = dockerSandboxOfNamespace(view.ns, w.p.s.docker?.networks ?? []);
  if (sandbox && sandbox.role !== 'overlay') {
    const what = `${view.label} is swarm's ${sandbox.role === 'ingress' ? 'routing mesh' : 'service load balancer'}`;
    const services = view.ns.ipvs;
    if (!services) {
      const why = w.p.s.host.problems.find((x) => x.source === 'ipvs' && x.subject === view.id)?.message ?? 'not read';
      return uncertain(view, 'ipvs', `${what}: IPVS there would send ${hostPort(pkt.dst, portOf(pkt))} on to one of the service's tasks, and its IPVS table is not in the snapshot (${why})`);
    }
    const svc = pkt.proto === 'icmp' || portOf(pkt) === null ? null : ipvsServiceFor(services, { fwmark: pkt.mark || null, protocol: pkt.proto, ip: pkt.dst.text, port: portOf(pkt)! });
    if (svc) return throughIpvs(w, view, pkt, what, svc);
    w.note(`IPVS in ${view.label} has no virtual service for ${hostPort(pkt.dst, portOf(pkt))}${pkt.mark ? ` or mark ${pkt.mark}` : ''}: the packet stays in ${view.label}`);
  }
  const port = portOf(pkt);
  const where = hostPort(pkt.dst, port);
  const listen = pkt.proto !== 'icmp' && port !== null ? findListener(view, pkt.proto, pkt.dst, port) : null;
  if (listen?.kind === 'none') {
    const result = pkt.proto === 'tcp' ? 'refused' : 'port-unreachable';
    w.steps.push({ type: 'deliver', namespaceId: view.id, containerIds: view.ns.containers, what: `arrives at ${where} in ${view.label}, where nothing takes it: ${listen.why}` });
    return stopWith({ result, namespaceId: view.id, containerIds: view.ns.containers, destination: where, seenSource: pkt.src.text, why: listen.why, nearby: listen.nearby });
  }
  if (listen?.kind === 'unknown') w.note(listen.why);
  if (listen?.kind === 'listening' && listen.note) w.note(listen.note);
  // The userland proxy takes it when its socket is the one listening (or, listeners unknown, when Docker says so).
  const byProxy = listen?.kind !== 'listening' || listen.listener.processes.some((x) => x.comm === 'docker-proxy') || listen.listener.processes.length === 0;
  const proxy = view.isHost && byProxy ? findProxy(w.p, pkt) : null;
  w.steps.push({
    type: 'deliver',
    namespaceId: view.id,
    containerIds: view.ns.containers,
    what: proxy
      ? `delivered to ${where} in ${view.label}, where docker-proxy (pid ${proxy.pid}) listens`
      : `delivered to ${where} in ${view.label}, from ${pkt.src.text}${listen?.kind === 'listening' ? `, to the socket on ${listenerText(listen.listener)}` : ''}`,
  });
  return { view, pkt, leaves: null, proxy, listen };
}

/**
 * IPVS in a swarm load balancer (forwarding method Masq, which swarm uses): the destination becomes a real server
 * (a task), conntrack remembers it (the reply is un-NATed here), and the packet is routed out of the namespace as if
 * sent from it — POSTROUTING (where swarm SNATs what IPVS handled), then the wire. Which real server a new connection
 * gets is the scheduler's choice: the walk follows `w.ipvsPick`, and tracePath tries each of them.
 */
function throughIpvs(w: Walk, view: NsView, pkt: Pkt, what: string, svc: IpvsService): Walked {
  const vs = svc.kind === 'fwmark' ? `fwmark ${svc.fwmark}` : `${svc.protocol} ${addressText(svc.ip, svc.port)}`;
  if (svc.reals.length === 0) return uncertain(view, 'ipvs', `${what}: its IPVS service (${vs}) has no real servers (no task to send ${hostPort(pkt.dst, portOf(pkt))} to)`);
  const k = Math.min(w.ipvsPick, svc.reals.length - 1);
  const real = svc.reals[k];
  w.ipvsMet ??= { namespaceId: view.id, service: vs, reals: svc.reals.map((r) => addressText(r.ip, r.port)) };
  if (real.forward !== 'Masq') return uncertain(view, 'ipvs', `${what}: IPVS forwarding method ${real.forward} (to ${addressText(real.ip, real.port)}) is not simulated`);
  const to = parseIP(real.ip);
  if (!to || familyOf(to) !== pkt.family) return uncertain(view, 'ipvs', `${what}: real server ${real.ip} is not an address of the packet's family`);
  // IPVS hooks LOCAL_IN just before nat's INPUT chain (priority 99 < 100): it takes the packet before any source
  // NAT is bound, so POSTROUTING's (swarm's `-m ipvs --ipvs -j SNAT`) is the one that applies. The walk ran nat
  // INPUT with the rest of INPUT; had that bound a source NAT, the order would matter.
  if (pkt.ct!.snat) return uncertain(view, 'ipvs', `${what}: a nat INPUT rule changed the source before IPVS, which in the kernel takes the packet first`);
  pkt.ct!.snatDone = false;
  const before = { ip: pkt.dst.text, port: portOf(pkt) };
  // A real server port 0 (fwmark services) keeps the packet's own port.
  const port = real.port === 0 ? portOf(pkt) : real.port;
  pkt.dst = to;
  pkt.dport = port;
  pkt.ipvs = true;
  pkt.ct!.dnat = { ip: to, port };
  const by = `IPVS in ${view.label} (${vs}, ${svc.scheduler}: real server ${k + 1} of ${svc.reals.length})`;
  w.steps.push({ type: 'nat', kind: 'dnat', rewrites: 'destination', before, after: { ip: to.text, port }, undo: false, by });
  w.story.push(`is sent by ${by} to ${hostPort(to, port)}`);
  const r = lookup(view, to);
  routeStep(w, view, r, pkt.src);
  if (r.kind === 'none' || r.kind === 'refused') return noRoute(view, pkt, r.kind === 'none' ? `no route to ${to.text}` : r.text);
  if (r.kind !== 'unicast') return uncertain(view, 'route', `IPVS's real server ${to.text} is ${r.kind === 'local' ? 'local to the load balancer' : r.text}`);
  return runHook(w, view, pkt, 'POSTROUTING', io('', r.dev), r.nexthop) ?? transmit(w, view, pkt, r.dev, r.nexthop);
}

/** The far end of a veth, when the snapshot has it. */
function peerOf(w: Walk, ifc: Interface): { view: NsView; ifc: Interface } | null {
  if (!ifc.peer) return null;
  const view = w.p.views.get(ifc.peer.namespaceId);
  const peer = view?.ifaces.get(ifc.peer.name);
  return view && peer ? { view, ifc: peer } : null;
}

/** Crossing a veth: the packet enters another namespace with a clean mark and no conntrack entry yet. */
function cross(w: Walk, from: NsView, fromIf: string, to: NsView, toIf: string, pkt: Pkt): void {
  w.steps.push({ type: 'hop', from: { namespaceId: from.id, iface: fromIf }, to: { namespaceId: to.id, iface: toIf }, what: `crosses the veth ${fromIf} → ${toIf} into ${to.label}` });
  pkt.mark = 0;
  pkt.ct = null;
  pkt.ipvs = false;
}

function leave(w: Walk, view: NsView, pkt: Pkt, dev: string, nexthop: IP, why: string): Walked {
  const c = w.client;
  if (pkt.dir === 'reply' && !(c?.kind === 'outside' && c.nsId === view.id && c.iface === dev))
    return uncertain(view, 'reply', `the reply leaves ${view.label} through ${dev}, not the way the connection came in`);
  w.steps.push({ type: 'note', text: `leaves ${view.label} through ${dev} towards ${nexthop.text}: ${why}` });
  return { view, pkt, leaves: { iface: dev, via: nexthop.text }, proxy: null, listen: null };
}

/** The packet goes out of `dev` towards `nexthop` (the gateway, or the destination itself when on-link). */
function transmit(w: Walk, view: NsView, pkt: Pkt, dev: string, nexthop: IP): Walked {
  const c = w.client;
  if (pkt.dir === 'reply' && c?.kind === 'outside' && c.nsId === view.id && c.iface === dev) return leave(w, view, pkt, dev, nexthop, 'back to the client');
  const ifc = view.ifaces.get(dev);
  if (!ifc) return uncertain(view, 'route', `interface ${dev} is not in the snapshot`);
  if (!ifc.flags.includes('UP')) return noRoute(view, pkt, `its interface ${dev} down`);
  const mv = macvlanIndex(w.p);
  if (view.isHost) {
    const kid = childAt(mv, dev, nexthop.text);
    if (kid) return noRoute(view, pkt, `${nexthop.text} is a ${kid.driver} child of ${dev} (${w.p.views.get(kid.namespaceId)?.label ?? containerName(w.p.s, kid.containerId)}): the host cannot reach its own ${kid.driver} children through the parent`, kid);
  }
  if (ifc.kind === 'macvlan' || ifc.kind === 'ipvlan') return childOut(w, view, pkt, ifc, nexthop);
  if (ifc.kind === 'veth') {
    const peer = peerOf(w, ifc);
    if (!peer) return leave(w, view, pkt, dev, nexthop, 'the other end of this veth is not in the snapshot');
    cross(w, view, dev, peer.view, peer.ifc.name, pkt);
    if (peer.ifc.master) return bridgeIn(w, peer.view, peer.ifc.master, peer.ifc.name, pkt, nexthop);
    // Frames arriving on a macvlan/ipvlan parent from its wire go to the child they are addressed to.
    const kid = peer.view.isHost ? childAt(mv, peer.ifc.name, nexthop.text) : null;
    if (kid) return intoChild(w, peer.view, peer.ifc.name, kid, pkt);
    // Point to point: the far end answers ARP for its own addresses only.
    if (!isLocal(peer.view, nexthop)) return noRoute(view, pkt, `no neighbour answering for ${nexthop.text} behind ${dev}`);
    w.story.push(`crosses ${dev} into ${peer.view.label}`);
    return receive(w, peer.view, pkt, peer.ifc.name, null);
  }
  if (ifc.kind === 'bridge') {
    const owner = view.bridges.get(dev)?.get(nexthop.text);
    if (owner?.kind === 'port') {
      const peerView = w.p.views.get(owner.peerNs)!;
      w.steps.push({ type: 'bridge', bridge: dev, from: dev, to: owner.port, nfCalled: false, what: `sent by ${view.label} into ${dev}, out of the port to ${peerView.label}` });
      w.story.push(`goes through ${dev} to ${peerView.label}`);
      cross(w, view, owner.port, peerView, owner.peerIf, pkt);
      return receive(w, peerView, pkt, owner.peerIf, null);
    }
    if (view.bridgeExternal.get(dev)?.length) return leave(w, view, pkt, dev, nexthop, `${nexthop.text} is not on a veth of ${dev}; it may be behind ${view.bridgeExternal.get(dev)!.join(', ')}`);
    return noRoute(view, pkt, `no neighbour answering for ${nexthop.text} on ${dev}`);
  }
  if (ifc.kind === 'loopback') return uncertain(view, 'route', `a route through ${dev} to a non-local address`);
  return leave(w, view, pkt, dev, nexthop, 'what lies beyond is not in the snapshot');
}

/** Into a macvlan/ipvlan child's namespace, from its parent (or a sibling) in `from`. */
function intoChild(w: Walk, from: NsView, fromIf: string, kid: MacvlanChild, pkt: Pkt): Walked {
  const to = w.p.views.get(kid.namespaceId);
  if (!to) return uncertain(from, 'route', `the namespace of ${kid.driver} child ${kid.iface} is not in the snapshot`);
  w.steps.push({ type: 'hop', from: { namespaceId: from.id, iface: fromIf }, to: { namespaceId: to.id, iface: kid.iface }, what: `through ${kid.parent} to its ${kid.driver} child ${kid.iface} in ${to.label}` });
  w.story.push(`reaches ${to.label} through its ${kid.driver} parent ${kid.parent}`);
  pkt.mark = 0;
  pkt.ct = null;
  pkt.ipvs = false;
  return receive(w, to, pkt, kid.iface, null);
}

/**
 * Out of a macvlan/ipvlan child: to a sibling on the same parent, or out of the parent onto its wire — never to the
 * host that owns the parent (the classic macvlan surprise), which gets a typed no-route.
 */
function childOut(w: Walk, view: NsView, pkt: Pkt, ifc: Interface, nexthop: IP): Walked {
  const mv = macvlanIndex(w.p);
  const me = mv.byChild.get(`${view.id}/${ifc.name}`);
  if (!me) return uncertain(view, 'route', `${ifc.kind} interface ${ifc.name}: its parent is not known (not a Docker endpoint)`);
  // Docker's default modes (macvlan bridge, ipvlan l2/l3) let siblings talk; private and vepa send it to the wire.
  if (me.mode !== 'bridge' && me.mode !== 'l2' && me.mode !== 'l3' && me.mode !== 'l3s')
    return uncertain(view, 'route', `${me.driver} mode ${me.mode} is not simulated`);
  const sibling = childAt(mv, me.parent, nexthop.text);
  if (sibling && sibling !== me) return intoChild(w, view, ifc.name, sibling, pkt);
  const host = w.p.host;
  if (host && isLocal(host, nexthop)) {
    return noRoute(view, pkt, `${nexthop.text} is the host's, and a ${me.driver} child (${ifc.name} on ${me.parent}) cannot reach its own host through the parent`, me);
  }
  if (me.mode === 'l3' || me.mode === 'l3s') return uncertain(view, 'route', `ipvlan ${me.mode}: routing through the parent ${me.parent} is not simulated`);
  const parent = host?.ifaces.get(me.parent);
  if (!host || !parent) return leave(w, view, pkt, ifc.name, nexthop, `out of the parent ${me.parent}, which is not in the snapshot`);
  w.steps.push({ type: 'note', text: `leaves ${view.label} through ${ifc.name}, out of its ${me.driver} parent ${me.parent} (bypassing the host's stack)` });
  if (parent.kind === 'veth') {
    const peer = peerOf(w, parent);
    if (!peer) return leave(w, view, pkt, ifc.name, nexthop, `out of ${me.parent}, whose other end is not in the snapshot`);
    cross(w, host, me.parent, peer.view, peer.ifc.name, pkt);
    if (!isLocal(peer.view, nexthop)) return noRoute(view, pkt, `no neighbour answering for ${nexthop.text} behind ${me.parent}`);
    w.story.push(`goes out of ${me.parent} into ${peer.view.label}`);
    return receive(w, peer.view, pkt, peer.ifc.name, null);
  }
  return leave(w, view, pkt, ifc.name, nexthop, `out of the parent ${me.parent} onto its network`);
}

/** A frame enters bridge `bridge` of `view` from port `inPort`, for the neighbour `nexthop`. */
function bridgeIn(w: Walk, view: NsView, bridge: string, inPort: string, pkt: Pkt, nexthop: IP): Walked {
  const nf = brNf(w, pkt);
  let owner = view.bridges.get(bridge)?.get(nexthop.text);
  if (!owner) {
    if (view.bridgeExternal.get(bridge)?.length) return leave(w, view, pkt, bridge, nexthop, `bridged towards the ports ${view.bridgeExternal.get(bridge)!.join(', ')}`);
    return noRoute(view, pkt, `no neighbour answering for ${nexthop.text} on ${bridge}`);
  }
  if (owner.kind === 'self') {
    w.steps.push({ type: 'bridge', bridge, from: inPort, to: null, nfCalled: nf, what: `addressed to ${bridge} itself: handed to ${view.label}'s IP stack` });
    w.story.push(`enters ${bridge}, addressed to ${view.label} itself`);
    return receive(w, view, pkt, bridge, nf ? inPort : null);
  }
  if (owner.port === inPort) return noRoute(view, pkt, `${nexthop.text} is behind the port the frame came from`);
  const peerName = (o: { peerNs: string }) => w.p.views.get(o.peerNs)!.label;
  w.steps.push({
    type: 'bridge',
    bridge,
    from: inPort,
    to: owner.port,
    nfCalled: nf,
    what: `bridged from ${inPort} to ${owner.port} (${peerName(owner)})${nf ? '; br_netfilter passes it through iptables' : '; bridge-nf-call-iptables is off: no iptables'}`,
  });
  w.story.push(`is bridged by ${bridge} to ${peerName(owner)}${nf ? ' (through iptables: bridge-nf-call-iptables=1)' : ''}`);
  if (nf) {
    const before = pkt.dst;
    const pre = ctEnter(w, view, pkt) ?? runHook(w, view, pkt, 'PREROUTING', io(bridge, '', inPort, null, true));
    if (pre) return pre;
    if (!sameIP(before, pkt.dst)) {
      // DNAT on a bridged frame: br_netfilter routes it; still bridged only if the new address is on this bridge.
      const again = view.bridges.get(bridge)?.get(pkt.dst.text);
      if (again?.kind !== 'port') return receive(w, view, pkt, bridge, inPort, 'routed');
      owner = again;
    }
  }
  return bridgedForward(w, view, bridge, inPort, owner, pkt, nf);
}

/** A bridged frame leaves through port `owner.port`: FORWARD and POSTROUTING with br_netfilter, then the veth. */
function bridgedForward(w: Walk, view: NsView, bridge: string, inPort: string, owner: { port: string; peerNs: string; peerIf: string }, pkt: Pkt, nf = true): Walked {
  if (owner.port === inPort)
    w.note(`${bridge} sends the frame back out of the port it came in by: this needs hairpin mode on ${inPort} (Docker turns it on when the userland proxy is off; the snapshot does not show it)`);
  if (nf) {
    const hooks =
      runHook(w, view, pkt, 'FORWARD', io(bridge, bridge, inPort, owner.port, true)) ??
      runHook(w, view, pkt, 'POSTROUTING', io('', bridge, inPort, owner.port, true), pkt.dst);
    if (hooks) return hooks;
  }
  const peerView = w.p.views.get(owner.peerNs)!;
  cross(w, view, owner.port, peerView, owner.peerIf, pkt);
  return receive(w, peerView, pkt, owner.peerIf, null);
}

/** A client outside the snapshot's namespaces sends the packet in on `iface` of the host. */
export function arriveFromOutside(w: Walk, host: NsView, iface: string, proto: Protocol, src: IP, dst: IP, dport: number | null): Walked {
  const pkt: Pkt = { family: familyOf(dst), proto, src, dst, sport: [1024, 65535], dport, mark: 0, dir: 'orig', ct: null };
  w.client = { kind: 'outside', nsId: host.id, iface, ip: src };
  const ifc = host.ifaces.get(iface);
  if (!ifc) return uncertain(host, 'route', `the host has no interface ${iface}`);
  w.steps.push({ type: 'note', text: `${src.text} sends it to ${hostPort(dst, dport)}; it arrives on the host's ${iface}` });
  w.story.push(`arrives from ${src.text} on the host's ${iface}`);
  const back = lookup(host, src);
  if (back.kind === 'unicast' && back.dev !== iface)
    w.note(`the host routes ${src.text} out of ${back.dev}, not ${iface}: with strict reverse-path filtering (rp_filter=1, not in the snapshot) the kernel would drop it`);
  if (ifc.master) {
    // On a bridge port: straight to the destination when it is on that bridge, else to the bridge (the gateway).
    const owners = host.bridges.get(ifc.master);
    const self = [...(owners ?? [])].find(([, o]) => o.kind === 'self')?.[0];
    const hop = owners?.get(dst.text)?.kind === 'port' ? dst : self ? host.local[pkt.family].get(self)?.ip : undefined;
    if (hop) return bridgeIn(w, host, ifc.master, iface, pkt, hop);
  }
  return receive(w, host, pkt, iface, null);
}

/** The reply to a delivered packet, from where it was delivered back towards the client. */
export function replyTo(w: Walk, d: Delivery): Walked {
  const f = d.pkt;
  const dport = portOf(f);
  const pkt: Pkt = {
    family: f.family, proto: f.proto, src: f.dst, dst: f.src,
    sport: dport === null ? [0, 65535] : [dport, dport],
    dport: f.sport[0] === f.sport[1] ? f.sport[0] : f.sport,
    mark: 0, dir: 'reply', ct: null,
  };
  if (d.leaves) {
    // It comes back in through the interface the connection left by.
    w.steps.push({ type: 'note', text: `the reply comes back in on ${d.leaves.iface} from ${pkt.src.text}` });
    return receive(w, d.view, pkt, d.leaves.iface, null);
  }
  return sendReply(w, d.view, pkt);
}

