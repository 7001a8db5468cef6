import type { Change, ChangeKind } from '../history/changes';
import { diffSnapshots, listKeys, type SnapshotDelta } from '../history/delta';
import { portKey, routeKey } from '../history/keys';
import { explainIptablesRule } from '../netfilter/explain';
import { explainContext, forNamespace } from '../netfilter/explain-context';
import { explainNftRule } from '../netfilter/explain-nft';
import type { ExplainContext, RuleExplanation } from '../netfilter/explain-types';
import { hostPort, networkOfBridge } from '../snapshot/names';
import type { Container, DockerNetwork, Endpoint, Interface, IptRule, IptRuleset, Listener, Namespace, NftRule, NftTable, Route, Snapshot } from '../snapshot/schema';
import { interfaceStableName, namespacesByStableName } from './stable-names';
import { bridgeAliases, isLinkLocal, isVolatileListener, ruleIdentity } from './volatile';

/**
 * The semantic change list between two snapshots (compare view, `netatlas diff`): the history's change log
 * (lib/history/changes.ts) made precise enough to act on. Each entry says what changed in words, which part it is
 * (structure or rules, for `--fail-on`), which object to show, and — for rules — the explainer's sentence.
 *
 * Objects are paired by the names people use, not by ids: a container recreated by `docker compose up` (new id,
 * same name) or restarted (new namespace, new veth names) is one container that changed, not one removed and one
 * added. Counters, rates, collection times, pids and socket inodes never make a change.
 */

export type CompareKind = ChangeKind | 'endpoint' | 'port' | 'route' | 'listener';
export type CompareAction = Change['action'] | 'restarted' | 'recreated' | 'renamed' | 'moved';
/** Which `--fail-on` a change answers to. */
export type ChangeArea = 'structure' | 'rules';

/** The object a change is about, for the UI to select and the reachability diff to relate. */
export type ChangeObject =
  | { type: 'container'; name: string }
  | { type: 'network'; name: string }
  | { type: 'namespace'; name: string }
  | { type: 'interface'; namespace: string; name: string }
  | { type: 'rule'; namespace: string; family: string; table: string; chain: string; index: number | null; text: string }
  | { type: 'host' };

export interface SemanticChange {
  kind: CompareKind;
  action: CompareAction;
  area: ChangeArea;
  /** The object in the snapshot's own names (`lab-api`, `netatlas-lab-b`, `host ipv4 filter/DOCKER-USER`). */
  subject: string;
  /** What changed inside (`icc on → off`, `198.18.2.3 → 198.18.2.4`), or null. */
  detail: string | null;
  object: ChangeObject;
  /** A rule's meaning in words (lib/netfilter explainers); null for everything else. */
  explanation: string | null;
  /** Container and network names this change concerns: what a changed flow is related by. */
  concerns: { containers: string[]; networks: string[] };
}

const onOff = (v: boolean | null) => (v === null ? 'n/a' : v ? 'on' : 'off');
const arrow = (a: unknown, b: unknown) => `${String(a)} → ${String(b)}`;

export function compareChanges(a: Snapshot, b: Snapshot, delta: SnapshotDelta = diffSnapshots(a, b)): SemanticChange[] {
  if (!delta.structure) return [];
  const out: SemanticChange[] = [];
  if (!!a.docker !== !!b.docker) {
    out.push(entry('docker', b.docker ? 'added' : 'removed', b.docker ? 'Docker reachable' : 'Docker unreachable', null, { type: 'host' }));
  }
  const containers = pairContainers(a.docker?.containers ?? [], b.docker?.containers ?? []);
  networksChanged(a.docker?.networks ?? [], b.docker?.networks ?? [], out);
  containersChanged(containers, out);
  sysctlsChanged(a, b, out);
  namespacesChanged(a, b, out);
  return out;
}

function entry(
  kind: CompareKind, action: CompareAction, subject: string, detail: string | null, object: ChangeObject,
  concerns: Partial<SemanticChange['concerns']> = {}, explanation: string | null = null,
): SemanticChange {
  return {
    kind, action, area: kind === 'rule' ? 'rules' : 'structure', subject, detail, object, explanation,
    concerns: { containers: concerns.containers ?? [], networks: concerns.networks ?? [] },
  };
}

/** Same items by id first, then what is left by name (recreated). */
function pairBy<T extends { id: string; name: string }>(as: T[], bs: T[]) {
  const bById = new Map(bs.map((x) => [x.id, x]));
  const pairs: Array<[T, T]> = [];
  const goneA: T[] = [];
  for (const x of as) {
    const y = bById.get(x.id);
    if (y) {
      pairs.push([x, y]);
      bById.delete(x.id);
    } else goneA.push(x);
  }
  const leftB = new Map([...bById.values()].map((y) => [y.name, y]));
  const removed: T[] = [];
  for (const x of goneA) {
    const y = leftB.get(x.name);
    if (y) {
      pairs.push([x, y]);
      leftB.delete(x.name);
    } else removed.push(x);
  }
  return { pairs, removed, added: [...leftB.values()] };
}

const pairContainers = (as: Container[], bs: Container[]) => pairBy(as, bs);

function networksChanged(as: DockerNetwork[], bs: DockerNetwork[], out: SemanticChange[]) {
  const { pairs, removed, added } = pairBy(as, bs);
  const obj = (n: DockerNetwork): ChangeObject => ({ type: 'network', name: n.name });
  const describe = (n: DockerNetwork) =>
    `${n.driver}${n.subnets.length ? ` ${n.subnets.map((s) => s.subnet).join(', ')}` : ''}, icc ${onOff(n.icc)}, internal ${onOff(n.internal)}, masquerade ${onOff(n.masquerade)}`;
  for (const n of removed) out.push(entry('network', 'removed', n.name, describe(n), obj(n), { networks: [n.name] }));
  for (const n of added) out.push(entry('network', 'added', n.name, describe(n), obj(n), { networks: [n.name] }));
  for (const [x, y] of pairs) {
    const what: string[] = [];
    if (x.name !== y.name) what.push(`name ${arrow(x.name, y.name)}`);
    if (x.icc !== y.icc) what.push(`icc ${onOff(x.icc)} → ${onOff(y.icc)}`);
    if (x.internal !== y.internal) what.push(`internal ${onOff(x.internal)} → ${onOff(y.internal)}`);
    if (x.masquerade !== y.masquerade) what.push(`masquerade ${onOff(x.masquerade)} → ${onOff(y.masquerade)}`);
    if (x.driver !== y.driver) what.push(`driver ${arrow(x.driver, y.driver)}`);
    const subnets = (n: DockerNetwork) => n.subnets.map((s) => s.subnet).join(', ') || 'none';
    if (subnets(x) !== subnets(y)) what.push(`subnets ${arrow(subnets(x), subnets(y))}`);
    if (x.bridge !== y.bridge) what.push(`bridge ${arrow(x.bridge, y.bridge)}`);
    for (const k of new Set([...Object.keys(x.options), ...Object.keys(y.options)])) {
      if (x.options[k] !== y.options[k]) what.push(`option ${k} ${arrow(x.options[k] ?? '(unset)', y.options[k] ?? '(unset)')}`);
    }
    const recreated = x.id !== y.id;
    if (what.length || recreated) {
      out.push(entry('network', recreated ? 'recreated' : 'changed', y.name, what.join(', ') || null, obj(y), { networks: [y.name] }));
    }
  }
}

function containersChanged({ pairs, removed, added }: ReturnType<typeof pairContainers>, out: SemanticChange[]) {
  const obj = (c: Container): ChangeObject => ({ type: 'container', name: c.name });
  const nets = (c: Container) => c.endpoints.map((e) => e.networkName);
  for (const c of removed) out.push(entry('container', 'removed', c.name, c.image, obj(c), { containers: [c.name], networks: nets(c) }));
  for (const c of added) {
    out.push(entry('container', 'added', c.name, c.image, obj(c), { containers: [c.name], networks: nets(c) }));
    portsChanged({ ...c, ports: [] }, c, out);
  }
  for (const [x, y] of pairs) {
    const concerns = { containers: [...new Set([x.name, y.name])], networks: [...new Set([...nets(x), ...nets(y)])] };
    if (x.id !== y.id) out.push(entry('container', 'recreated', y.name, `id ${x.id.slice(0, 12)} → ${y.id.slice(0, 12)}`, obj(y), concerns));
    if (x.name !== y.name) out.push(entry('container', 'renamed', y.name, arrow(x.name, y.name), obj(y), concerns));
    const what: string[] = [];
    if (x.state !== y.state) what.push(`state ${arrow(x.state, y.state)}`);
    if (x.image !== y.image) what.push(`image ${arrow(x.image, y.image)}`);
    if (x.networkMode.raw !== y.networkMode.raw) what.push(`network mode ${arrow(x.networkMode.raw, y.networkMode.raw)}`);
    if (what.length) out.push(entry('container', 'changed', y.name, what.join(', '), obj(y), concerns));
    // Stopped and started again: a new process, and with it a new network namespace (inodes may repeat, pids
    // do not within a boot).
    if (x.id === y.id && x.pid !== null && y.pid !== null && x.pid !== y.pid) {
      out.push(entry('container', 'restarted', y.name, 'new network namespace', obj(y), concerns));
    }
    endpointsChanged(x, y, out);
    portsChanged(x, y, out);
  }
}

function endpointsChanged(x: Container, y: Container, out: SemanticChange[]) {
  const byNet = (c: Container) => new Map(c.endpoints.map((e) => [e.networkName, e]));
  const ex = byNet(x);
  const ey = byNet(y);
  const addr = (e: Endpoint) => [e.ipv4 && `${e.ipv4}/${e.ipv4PrefixLen}`, e.ipv6 && `${e.ipv6}/${e.ipv6PrefixLen}`].filter(Boolean).join(', ') || 'no address';
  const concerns = (net: string) => ({ containers: [y.name], networks: [net] });
  const object: ChangeObject = { type: 'container', name: y.name };
  for (const [net, e] of ex) if (!ey.has(net)) out.push(entry('endpoint', 'removed', `${y.name} on ${net}`, `disconnected (was ${addr(e)})`, object, concerns(net)));
  for (const [net, e] of ey) {
    const before = ex.get(net);
    if (!before) {
      out.push(entry('endpoint', 'added', `${y.name} on ${net}`, `connected at ${addr(e)}`, object, concerns(net)));
      continue;
    }
    const what: string[] = [];
    if (addr(before) !== addr(e)) what.push(`address ${arrow(addr(before), addr(e))}`);
    if ((before.gateway ?? '') !== (e.gateway ?? '')) what.push(`gateway ${arrow(before.gateway, e.gateway)}`);
    if (before.aliases.join(',') !== e.aliases.join(',')) what.push(`aliases ${arrow(before.aliases.join(',') || 'none', e.aliases.join(',') || 'none')}`);
    if (what.length) out.push(entry('endpoint', 'changed', `${y.name} on ${net}`, what.join(', '), object, concerns(net)));
  }
}

function portsChanged(x: Container, y: Container, out: SemanticChange[]) {
  const keysX = new Set(x.ports.map(portKey));
  const keysY = new Set(y.ports.map(portKey));
  const text = (p: Container['ports'][number]) => `${hostPort(p.hostIp, p.hostPort)} → ${p.containerPort}/${p.protocol}`;
  const object: ChangeObject = { type: 'container', name: y.name };
  for (const p of x.ports) if (!keysY.has(portKey(p))) out.push(entry('port', 'removed', y.name, text(p), object, { containers: [y.name] }));
  for (const p of y.ports) if (!keysX.has(portKey(p))) out.push(entry('port', 'added', y.name, text(p), object, { containers: [y.name] }));
}

function sysctlsChanged(a: Snapshot, b: Snapshot, out: SemanticChange[]) {
  const x = a.host.sysctls;
  const y = b.host.sysctls;
  for (const k of ['ipv4Forward', 'ipv6Forward', 'bridgeNfCallIptables', 'bridgeNfCallIp6tables'] as const) {
    if (x[k] !== y[k]) out.push(entry('sysctl', 'changed', k, arrow(x[k], y[k]), { type: 'host' }));
  }
  for (const br of new Set([...Object.keys(x.routeLocalnet), ...Object.keys(y.routeLocalnet)])) {
    // A bridge that came or went takes its sysctl with it: that is the interface's change, not a sysctl's.
    if (!(br in x.routeLocalnet) || !(br in y.routeLocalnet)) continue;
    if (x.routeLocalnet[br] !== y.routeLocalnet[br]) out.push(entry('sysctl', 'changed', `route_localnet on ${br}`, arrow(x.routeLocalnet[br], y.routeLocalnet[br]), { type: 'host' }));
  }
}

/** The networks a namespace's containers sit on, and the containers' names, for relating flows. */
function namespaceConcerns(s: Snapshot, ns: Namespace): SemanticChange['concerns'] {
  // Host-mode containers share the host's namespace, but the host's routes and rules are not about them.
  if (ns.kind === 'host') return { containers: [], networks: [] };
  const ctrs = (s.docker?.containers ?? []).filter((c) => ns.containers.includes(c.id) || c.namespaceId === ns.id);
  return { containers: ctrs.map((c) => c.name), networks: [...new Set(ctrs.flatMap((c) => c.endpoints.map((e) => e.networkName)))] };
}

/** One namespace as seen in one snapshot, with what pairing its parts needs. */
interface NsSide {
  s: Snapshot;
  ns: Namespace;
  /** Interfaces by stable name, and kernel name → stable name (routes name their device). */
  ifaces: Map<string, Interface>;
  stableIf: Map<string, string>;
  bridges: Map<string, string>;
  ctx: ExplainContext;
}

function side(s: Snapshot, ns: Namespace, bridges: Map<string, string>, ctx: ExplainContext): NsSide {
  const ifaces = new Map<string, Interface>();
  const stableIf = new Map<string, string>();
  for (const i of ns.interfaces) {
    const name = interfaceStableName(s, i);
    ifaces.set(name, i);
    stableIf.set(i.name, name);
  }
  return { s, ns, ifaces, stableIf, bridges, ctx: forNamespace(ctx, ns) };
}

function namespacesChanged(a: Snapshot, b: Snapshot, out: SemanticChange[]) {
  const na = namespacesByStableName(a);
  const nb = namespacesByStableName(b);
  const ctxA = explainContext(a);
  const ctxB = explainContext(b);
  const brA = bridgeAliases(a);
  const brB = bridgeAliases(b);
  for (const [name, ns] of na) {
    // Namespaces of removed containers go with them; only ones nobody named are worth their own line.
    if (!nb.has(name) && ns.containers.length === 0) out.push(entry('namespace', 'removed', name, null, { type: 'namespace', name }));
  }
  for (const [name, ns] of nb) {
    const before = na.get(name);
    if (!before) {
      if (ns.containers.length === 0) out.push(entry('namespace', 'added', name, null, { type: 'namespace', name }));
      continue;
    }
    const x = side(a, before, brA, ctxA);
    const y = side(b, ns, brB, ctxB);
    const concerns = namespaceConcerns(b, ns);
    interfacesChanged(x, y, name, concerns, out);
    routesChanged(x, y, name, concerns, out);
    listenersChanged(x, y, name, concerns, out);
    rulesetChanged(x, y, name, concerns, out);
  }
}

/** What an interface leads to: its namespace's containers, or for a host-side veth the containers at its far end. */
function interfaceConcerns(sd: NsSide, i: Interface, own: SemanticChange['concerns']): SemanticChange['concerns'] {
  const peer = i.peer && i.peer.namespaceId !== i.namespaceId ? sd.s.namespaces.find((n) => n.id === i.peer!.namespaceId) : undefined;
  const far = peer ? namespaceConcerns(sd.s, peer) : own;
  const net = i.master ? networkOfBridge(sd.s, i.master)?.name : undefined;
  return { containers: far.containers, networks: [...new Set([...far.networks, ...(net ? [net] : [])])] };
}

function interfacesChanged(x: NsSide, y: NsSide, where: string, own: SemanticChange['concerns'], out: SemanticChange[]) {
  const concernsOf = (sd: NsSide, i: Interface) => interfaceConcerns(sd, i, own);
  const object = (name: string): ChangeObject => ({ type: 'interface', namespace: where, name });
  const what = (i: Interface) => `${i.kind}${i.master ? ` on ${networkOfBridge(y.s, i.master)?.name ?? networkOfBridge(x.s, i.master)?.name ?? i.master}` : ''}`;
  // A restarted container's host-side veth is new (new name, new ifindex) but leads to the same place: one pair.
  for (const [k, i] of x.ifaces) if (!y.ifaces.has(k)) out.push(entry('interface', 'removed', `${where}: ${k}`, what(i), object(i.name), concernsOf(x, i)));
  for (const [k, i] of y.ifaces) {
    const before = x.ifaces.get(k);
    if (!before) {
      out.push(entry('interface', 'added', `${where}: ${k}`, what(i), object(i.name), concernsOf(y, i)));
      continue;
    }
    const diff: string[] = [];
    if (before.operstate !== i.operstate) diff.push(`state ${arrow(before.operstate, i.operstate)}`);
    if (before.flags.includes('UP') !== i.flags.includes('UP')) diff.push(i.flags.includes('UP') ? 'set up' : 'set down');
    if (before.mtu !== i.mtu) diff.push(`MTU ${arrow(before.mtu, i.mtu)}`);
    const master = (sd: NsSide, m: string | null) => (m === null ? 'none' : networkOfBridge(sd.s, m)?.name ?? m);
    if (master(x, before.master) !== master(y, i.master)) diff.push(`master ${arrow(master(x, before.master), master(y, i.master))}`);
    const addrs = (n: Interface) => n.addresses.filter((ad) => !isLinkLocal(ad.address)).map((ad) => `${ad.address}/${ad.prefixlen}`).sort().join(', ') || 'none';
    if (addrs(before) !== addrs(i)) diff.push(`addresses ${arrow(addrs(before), addrs(i))}`);
    if (diff.length) out.push(entry('interface', 'changed', `${where}: ${k}`, diff.join(', '), object(i.name), concernsOf(y, i)));
  }
}

/** A route by content, its device by stable name; null for the kernel's per-device link-local routes. */
function routeIdentity(sd: NsSide, r: Route): string | null {
  if (isLinkLocal(r.dst)) return null;
  return routeKey({ ...r, dev: r.dev === null ? null : sd.stableIf.get(r.dev) ?? r.dev });
}

function routesChanged(x: NsSide, y: NsSide, where: string, concerns: SemanticChange['concerns'], out: SemanticChange[]) {
  const ka = new Map(x.ns.routes.map((r) => [routeIdentity(x, r), r]));
  const kb = new Map(y.ns.routes.map((r) => [routeIdentity(y, r), r]));
  const text = (sd: NsSide, r: Route) =>
    `${r.type && r.type !== 'unicast' ? `${r.type} ` : ''}${r.dst}${r.gateway ? ` via ${r.gateway}` : ''}${r.dev ? ` dev ${sd.stableIf.get(r.dev) ?? r.dev}` : ''}${r.metric !== null ? ` metric ${r.metric}` : ''}`;
  const object: ChangeObject = { type: 'namespace', name: where };
  for (const [k, r] of ka) if (k !== null && !kb.has(k)) out.push(entry('route', 'removed', where, text(x, r), object, concerns));
  for (const [k, r] of kb) if (k !== null && !ka.has(k)) out.push(entry('route', 'added', where, text(y, r), object, concerns));
}

function listenersChanged(x: NsSide, y: NsSide, where: string, concerns: SemanticChange['concerns'], out: SemanticChange[]) {
  // Unknown on either side (not read, or an older snapshot) is no evidence of a change.
  if (!x.ns.listeners || !y.ns.listeners) return;
  const key = (l: Listener) => `${hostPort(l.address, l.port)}/${l.protocol}`;
  const keys = (sd: NsSide) => new Map(sd.ns.listeners!.filter((l) => !isVolatileListener(sd.ns, l)).map((l) => [key(l), l]));
  const ka = keys(x);
  const kb = keys(y);
  const object: ChangeObject = { type: 'namespace', name: where };
  for (const k of ka.keys()) if (!kb.has(k)) out.push(entry('listener', 'removed', where, k, object, concerns));
  for (const k of kb.keys()) if (!ka.has(k)) out.push(entry('listener', 'added', where, k, object, concerns));
}

interface ChainRules<R> {
  family: string;
  table: string;
  chain: string;
  rules: R[];
  policy: string | null;
}

function rulesetChanged(x: NsSide, y: NsSide, where: string, concerns: SemanticChange['concerns'], out: SemanticChange[]) {
  for (const family of ['ipv4', 'ipv6'] as const) {
    chainsChanged<IptRule, IptChainRules>(x, y, iptChains(x.ns.netfilter?.[family] ?? null, family), iptChains(y.ns.netfilter?.[family] ?? null, family), where, concerns,
      (r) => r.raw, (ctx, c, r) => explainIptablesRule(ctx, family, c.table, c.chain, r), out);
  }
  chainsChanged<NftRule, NftChainRules>(x, y, nftChains(x.ns.netfilter?.nftables ?? null), nftChains(y.ns.netfilter?.nftables ?? null), where, concerns,
    (r) => r.text, (ctx, c, r) => explainNftRule(ctx, c.nft, c.nft.chains.find((ch) => ch.name === c.chain)!, r), out);
}

type IptChainRules = ChainRules<IptRule>;
type NftChainRules = ChainRules<NftRule> & { nft: NftTable };

function iptChains(rs: IptRuleset | null, family: string): Map<string, IptChainRules> {
  const out = new Map<string, IptChainRules>();
  for (const t of rs?.tables ?? []) for (const c of t.chains) out.set(`${t.name}/${c.name}`, { family, table: t.name, chain: c.name, rules: c.rules, policy: c.policy });
  return out;
}

function nftChains(tables: NftTable[] | null): Map<string, NftChainRules> {
  const out = new Map<string, NftChainRules>();
  for (const t of tables ?? []) {
    for (const c of t.chains) out.set(`${t.family} ${t.name}/${c.name}`, { family: `nft ${t.family}`, table: t.name, chain: c.name, rules: c.rules, policy: c.policy, nft: t });
  }
  return out;
}

/**
 * Rules added, removed and moved per chain. Rules are paired by `ruleIdentity` (their text, bridges read as their
 * networks), numbered by occurrence like the delta's keys; a moved rule is one outside the longest run of rules
 * that kept their relative order.
 */
function chainsChanged<R, C extends ChainRules<R>>(
  x: NsSide, y: NsSide, ca: Map<string, C>, cb: Map<string, C>, where: string, concerns: SemanticChange['concerns'],
  text: (r: R) => string, explainRule: (ctx: ExplainContext, c: C, r: R) => RuleExplanation, out: SemanticChange[],
) {
  // A rule concerns the containers and networks its explanation names (a host rule is not about host-mode ones).
  const ruleConcerns = (sd: NsSide, e: RuleExplanation): SemanticChange['concerns'] => {
    const containers = e.objects.filter((o) => o.kind === 'container').map((o) => sd.s.docker?.containers.find((c) => c.id === o.id)?.name ?? o.label);
    const networks = e.objects.flatMap((o) =>
      o.kind === 'network' ? [sd.s.docker?.networks.find((n) => n.id === o.id)?.name ?? o.label] : o.kind === 'bridge' ? [networkOfBridge(sd.s, o.id)?.name ?? o.id] : []);
    return { containers: [...new Set([...concerns.containers, ...containers])], networks: [...new Set([...concerns.networks, ...networks])] };
  };

  const subject = (c: C) => `${where} ${c.family} ${c.table}/${c.chain}`;
  const ruleObj = (c: C, index: number | null, r: R | null): ChangeObject =>
    ({ type: 'rule', namespace: where, family: c.family, table: c.table, chain: c.chain, index, text: r ? text(r) : '' });
  const push = (action: CompareAction, c: C, detail: string, index: number | null, r: R | null, sd: NsSide | null = null) => {
    const e = r && sd ? explainRule(sd.ctx, c, r) : null;
    out.push(entry('rule', action, subject(c), detail, ruleObj(c, index, r), e && sd ? ruleConcerns(sd, e) : concerns, e?.sentence ?? null));
  };
  for (const [k, c] of ca) if (!cb.has(k)) push('removed', c, `chain with ${c.rules.length} rule(s)`, null, null);
  for (const [k, c] of cb) {
    const before = ca.get(k);
    if (!before) {
      push('added', c, `chain with ${c.rules.length} rule(s)`, null, null);
      for (const [i, r] of c.rules.entries()) push('added', c, text(r), i, r, y);
      continue;
    }
    if (before.policy !== c.policy) push('changed', c, `policy ${arrow(before.policy, c.policy)}`, null, null);
    const keysA = listKeys(before.rules.map((r) => ruleIdentity(text(r), x.ns, c.chain, x.bridges)), (t: string) => t);
    const keysB = listKeys(c.rules.map((r) => ruleIdentity(text(r), y.ns, c.chain, y.bridges)), (t: string) => t);
    const inA = new Map(keysA.map((kk, i) => [kk, i]));
    const inB = new Map(keysB.map((kk, i) => [kk, i]));
    for (const [i, kk] of keysA.entries()) if (!inB.has(kk)) push('removed', before, text(before.rules[i]), i, before.rules[i], x);
    const stay = longestIncreasing(keysB.filter((kk) => inA.has(kk)).map((kk) => inA.get(kk)!));
    for (const [i, kk] of keysB.entries()) {
      const r = c.rules[i];
      const was = inA.get(kk);
      if (was === undefined) push('added', c, text(r), i, r, y);
      else if (!stay.has(was)) push('moved', c, `${text(r)} (position ${was + 1} → ${i + 1})`, i, r, y);
    }
  }
}

/**
 * The values of the longest increasing subsequence of `xs` (old positions in new order): the rules that kept
 * their relative order. The others moved. O(n log n), so a 10k-rule chain costs nothing.
 */
function longestIncreasing(xs: number[]): Set<number> {
  const tails: number[] = [];
  const tailIdx: number[] = [];
  const prev = new Array<number>(xs.length).fill(-1);
  for (let i = 0; i < xs.length; i++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tails[mid] < xs[i]) lo = mid + 1;
      else hi = mid;
    }
    tails[lo] = xs[i];
    tailIdx[lo] = i;
    prev[i] = lo > 0 ? tailIdx[lo - 1] : -1;
  }
  const keep = new Set<number>();
  for (let i = tails.length ? tailIdx[tails.length - 1] : -1; i >= 0; i = prev[i]) keep.add(xs[i]);
  return keep;
}
