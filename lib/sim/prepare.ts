import { explainChainPolicy, explainIptablesRule } from '../netfilter/explain';
import { explainContext, forNamespace } from '../netfilter/explain-context';
import { explainNftRule } from '../netfilter/explain-nft';
import { HOOKS, IPT_TABLE_PRIORITY, iptTablePriority, NAT_SLOT, NFT_HOOKS, nftPriority } from '../netfilter/hooks';
import type { IptRuleset, Namespace, Snapshot } from '../snapshot/schema';
import { namespaceLabel } from '../snapshot/names';
import { makeIP, parseIP, parseNet } from './addr';
import { iptConds } from './match';
import { compileNftTable, nftTableFamilies } from './nft';
import type { Hook, IpVersion } from './packet';
import { lazyChain, Rule, type CChain, type CRule, type CTable } from './rules';
import { iptTarget } from './targets';
import type { AddrInfo, BridgeOwner, HookPlan, NsView, Prepared, RouteInfo, Slot } from './view';

/**
 * Everything a trace reads, indexed once per snapshot and cached (WeakMap on the snapshot object): addresses,
 * routes, bridge ports, and every rule compiled. A trace then only walks.
 */

const cache = new WeakMap<Snapshot, Prepared>();

export function prepare(s: Snapshot): Prepared {
  let p = cache.get(s);
  if (!p) {
    p = build(s);
    cache.set(s, p);
  }
  return p;
}

function compileIptTable(rs: IptRuleset, tableName: string, fam: IpVersion, explainCtx: ReturnType<typeof explainContext>): CTable | null {
  const table = rs.tables.find((t) => t.name === tableName);
  if (!table) return null;
  const names = new Set(table.chains.map((c) => c.name));
  const family = fam === 4 ? 'ipv4' : 'ipv6';
  const chains = new Map<string, CChain>();
  const explain = (chain: string, index: number) => {
    const r = table.chains.find((c) => c.name === chain)!.rules[index];
    return explainIptablesRule(explainCtx, family, tableName, chain, r).sentence;
  };
  for (const ch of table.chains) {
    const compile = (): CRule[] => ch.rules.map((r, index) => new Rule(index, r.raw, iptConds(r), iptTarget(r.target, names), ch.name, explain));
    const policy = ch.builtin && ch.policy && ch.policy !== '-' ? (ch.policy.toUpperCase() === 'DROP' ? 'drop' : 'accept') : null;
    chains.set(
      ch.name,
      lazyChain(
        {
          name: ch.name,
          policy,
          policyText: policy ? `-P ${ch.name} ${ch.policy}` : null,
          policyExplain: () => explainChainPolicy(tableName, ch.name, ch.policy).sentence,
        },
        compile,
      ),
    );
  }
  return { kind: 'ipt', name: tableName, chains };
}

function buildPlan(ns: Namespace, fam: IpVersion, ctx: ReturnType<typeof explainContext>): HookPlan | { unread: string } {
  const nf = ns.netfilter;
  const rs = fam === 4 ? nf?.ipv4 : nf?.ipv6;
  if (!nf || !rs) return { unread: `the ${fam === 4 ? 'iptables' : 'ip6tables'} rules of this namespace were not read` };
  const plan = Object.fromEntries(HOOKS.map((h) => [h, [] as Slot[]])) as HookPlan;
  const tables = new Map<string, CTable | null>();
  const ipt = (name: string) => {
    if (!tables.has(name)) tables.set(name, compileIptTable(rs, name, fam, ctx));
    return tables.get(name)!;
  };
  const nats: Partial<Record<Hook, Array<{ table: CTable; chain: CChain; priority: number }>>> = {};
  for (const hook of HOOKS) {
    for (const name of Object.keys(IPT_TABLE_PRIORITY)) {
      const t = ipt(name);
      const chain = t?.chains.get(hook);
      if (!t || !chain) continue;
      if (name === 'nat') (nats[hook] ??= []).push({ table: t, chain, priority: iptTablePriority(name, hook) });
      else plan[hook].push({ kind: 'chain', table: t, chain, priority: iptTablePriority(name, hook) });
    }
  }
  for (const t of nf.nftables ?? []) {
    if (!nftTableFamilies(t).includes(fam)) continue;
    const compiled = compileNftTable(t, fam, (chain, index) => {
      const ch = t.chains.find((c) => c.name === chain)!;
      return explainNftRule(ctx, t, ch, ch.rules[index]).sentence;
    });
    for (const ch of t.chains) {
      const hook = ch.hook ? NFT_HOOKS[ch.hook] : undefined;
      if (!hook) continue;
      const chain = compiled.chains.get(ch.name)!;
      const priority = nftPriority(ch.priority);
      if (ch.type === 'nat') (nats[hook] ??= []).push({ table: compiled, chain, priority });
      else plan[hook].push({ kind: 'chain', table: compiled, chain, priority });
    }
  }
  for (const hook of HOOKS) {
    const slot = NAT_SLOT[hook];
    if (slot) {
      const chains = (nats[hook] ?? []).sort((a, b) => a.priority - b.priority).map(({ table, chain }) => ({ table, chain }));
      plan[hook].push({ kind: 'nat', manip: slot.manip, chains, priority: slot.priority });
    }
    // Stable: equal priorities keep iptables before native tables, as listed.
    plan[hook].sort((a, b) => a.priority - b.priority);
  }
  return plan;
}

function routeInfo(r: Namespace['routes'][number]): RouteInfo | null {
  const dst = parseNet(r.dst === 'default' ? (r.family === 'inet' ? '0.0.0.0/0' : '::/0') : r.dst);
  if (!dst) return null;
  const gw = r.gateway ? parseIP(r.gateway) : null;
  const prefsrc = r.prefsrc ? parseIP(r.prefsrc) : null;
  const type = r.type ?? 'unicast';
  const text = [r.dst, gw && `via ${gw.text}`, r.dev && `dev ${r.dev}`, prefsrc && `src ${prefsrc.text}`, type !== 'unicast' && type].filter(Boolean).join(' ');
  return { route: r, dst, metric: r.metric ?? 0, gw, prefsrc, dev: r.dev, type, text };
}

function buildView(s: Snapshot, ns: Namespace, ctx: ReturnType<typeof explainContext>): NsView {
  const addrs: NsView['addrs'] = { 4: [], 6: [] };
  const local: NsView['local'] = { 4: new Map(), 6: new Map() };
  const bcast = new Set<string>();
  for (const i of ns.interfaces) {
    for (const a of i.addresses) {
      const ip = parseIP(a.address);
      const net = parseNet(`${a.address}/${a.prefixlen}`);
      if (!ip || !net) continue;
      const info: AddrInfo = { ip, net, iface: i.name, scope: a.scope };
      const fam: IpVersion = ip.v6 ? 6 : 4;
      addrs[fam].push(info);
      if (!local[fam].has(ip.text)) local[fam].set(ip.text, info);
      if (!ip.v6 && a.prefixlen < 31) bcast.add(makeIP(false, net.net | (~net.mask & 0xffffffffn)).text);
    }
  }
  const routes: NsView['routes'] = { 4: [], 6: [] };
  for (const r of ns.routes) {
    const info = routeInfo(r);
    if (info) routes[r.family === 'inet' ? 4 : 6].push(info);
  }
  for (const fam of [4, 6] as const) routes[fam].sort((a, b) => b.dst.len - a.dst.len || a.metric - b.metric);
  const nfCtx = forNamespace(ctx, ns);
  const nfNotes: string[] = [];
  if (ns.netfilter && ns.netfilter.nftables === null) nfNotes.push('native nftables tables of this namespace were not read; only its iptables rules are simulated');
  for (const t of ns.netfilter?.nftables ?? []) {
    if (['bridge', 'netdev', 'arp'].includes(t.family) && t.chains.some((c) => c.hook && c.rules.length))
      nfNotes.push(`nftables ${t.family} table ${t.name} has rules the simulator does not run`);
  }
  return {
    ns,
    id: ns.id,
    label: namespaceLabel(s, ns.id),
    isHost: ns.kind === 'host',
    ifaces: new Map(ns.interfaces.map((i) => [i.name, i])),
    addrs,
    local,
    bcast,
    routes,
    plan: { 4: buildPlan(ns, 4, nfCtx), 6: buildPlan(ns, 6, nfCtx) },
    nfNotes,
    bridges: new Map(),
    bridgeExternal: new Map(),
  };
}

/** For each bridge: who owns which address behind it (the bridge itself, or the far end of a veth port). */
function indexBridges(views: Map<string, NsView>): void {
  for (const v of views.values()) {
    for (const br of v.ns.interfaces.filter((i) => i.kind === 'bridge' || i.bridge)) {
      const owners = new Map<string, BridgeOwner>();
      const external: string[] = [];
      for (const fam of [4, 6] as const) for (const a of v.addrs[fam]) if (a.iface === br.name) owners.set(a.ip.text, { kind: 'self' });
      const ports = new Set([...(br.bridge?.ports ?? []), ...v.ns.interfaces.filter((i) => i.master === br.name).map((i) => i.name)]);
      for (const portName of ports) {
        const port = v.ifaces.get(portName);
        const peerView = port?.peer ? views.get(port.peer.namespaceId) : undefined;
        if (!port || port.kind !== 'veth' || !port.peer || !peerView) {
          external.push(portName);
          continue;
        }
        for (const fam of [4, 6] as const)
          for (const a of peerView.addrs[fam])
            if (a.iface === port.peer.name && !owners.has(a.ip.text))
              owners.set(a.ip.text, { kind: 'port', port: portName, peerNs: peerView.id, peerIf: port.peer.name });
      }
      v.bridges.set(br.name, owners);
      v.bridgeExternal.set(br.name, external);
    }
  }
}

function build(s: Snapshot): Prepared {
  const ctx = explainContext(s);
  const views = new Map<string, NsView>();
  for (const ns of s.namespaces) views.set(ns.id, buildView(s, ns, ctx));
  indexBridges(views);
  const host = [...views.values()].find((v) => v.isHost) ?? null;
  const containers = new Map((s.docker?.containers ?? []).map((c) => [c.id, c]));
  const containerNs = new Map<string, string>();
  for (const ns of s.namespaces) for (const id of ns.containers) containerNs.set(id, ns.id);
  for (const c of containers.values()) {
    if (containerNs.has(c.id)) continue;
    const shared = c.networkMode.sharedWith ? containers.get(c.networkMode.sharedWith)?.namespaceId : null;
    const nsId = c.namespaceId ?? shared ?? (c.networkMode.kind === 'host' ? host?.id : null);
    if (nsId && views.has(nsId)) containerNs.set(c.id, nsId);
  }
  return { s, views, host, containers, containerNs, proxies: s.dockerProxies, ctx };
}
