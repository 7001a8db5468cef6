import type { IptRule, IptRuleset, NftRule, NftTable } from '../snapshot/netfilter-schema';
import type { Snapshot } from '../snapshot/schema';
import { splitEndpoint } from '../net/cidr';
import { portOption, portSpecHas } from './match-vocabulary';
import { parseNftStatements } from './nft-statements';
import { networkOfBridge } from '../snapshot/names';
import { iptablesTraversal, jumpTarget, nftTraversal } from './traversal';

/** The things a rule can concern, as the graph's selection names them. */
export type Subject =
  | { type: 'container'; containerId: string }
  | { type: 'bridge'; name: string }
  | { type: 'network'; networkId: string }
  | { type: 'port'; containerId: string; hostIp: string; hostPort: number; protocol: string }
  | { type: 'namespace'; namespaceId: string }
  | { type: 'interface'; namespaceId: string; ifindex: number }
  | { type: 'host' };

/** What identifies a subject inside rules: addresses, subnets, interface names, published ports. */
export interface Facts {
  ips: { ip: string; label: string }[];
  subnets: { cidr: string; label: string }[];
  interfaces: { name: string; label: string }[];
  hostPorts: { port: number; protocol: string; label: string }[];
  /** Namespaces whose own rules all concern the subject (a container's sandbox, a selected namespace). */
  namespaces: string[];
  /** Everything in the host namespace concerns the subject (the host itself, an uplink). */
  wholeHost: boolean;
}

const none = (): Facts => ({ ips: [], subnets: [], interfaces: [], hostPorts: [], namespaces: [], wholeHost: false });

function networkFacts(s: Snapshot, networkId: string, f: Facts) {
  const n = s.docker?.networks.find((x) => x.id === networkId);
  if (!n) return;
  for (const sub of n.subnets) f.subnets.push({ cidr: sub.subnet, label: `${n.name}'s subnet` });
  if (n.bridge) f.interfaces.push({ name: n.bridge, label: `${n.name}'s bridge` });
}

export function factsOf(s: Snapshot, subject: Subject): Facts {
  const f = none();
  switch (subject.type) {
    case 'host':
      f.wholeHost = true;
      break;
    case 'namespace':
      f.namespaces.push(subject.namespaceId);
      if (s.namespaces.find((n) => n.id === subject.namespaceId)?.kind === 'host') f.wholeHost = true;
      break;
    case 'interface': {
      const ns = s.namespaces.find((n) => n.id === subject.namespaceId);
      const i = ns?.interfaces.find((x) => x.ifindex === subject.ifindex);
      if (!ns || !i) break;
      if (ns.kind === 'host') f.interfaces.push({ name: i.name, label: i.name });
      else f.namespaces.push(ns.id);
      for (const a of i.addresses.filter((x) => x.scope !== 'link' && x.scope !== 'host')) f.ips.push({ ip: a.address, label: i.name });
      break;
    }
    case 'bridge': {
      f.interfaces.push({ name: subject.name, label: subject.name });
      const n = networkOfBridge(s, subject.name);
      if (n) networkFacts(s, n.id, f);
      break;
    }
    case 'network':
      networkFacts(s, subject.networkId, f);
      break;
    case 'container':
    case 'port': {
      const c = s.docker?.containers.find((x) => x.id === subject.containerId);
      if (!c) break;
      // container:X shares X's endpoints and namespace.
      const owner = c.networkMode.sharedWith ? (s.docker?.containers.find((x) => x.id === c.networkMode.sharedWith) ?? c) : c;
      for (const e of owner.endpoints) {
        if (e.ipv4) f.ips.push({ ip: e.ipv4, label: c.name });
        if (e.ipv6) f.ips.push({ ip: e.ipv6, label: c.name });
        if (subject.type === 'container') networkFacts(s, e.networkId, f);
      }
      const ports = subject.type === 'port' ? owner.ports.filter((p) => p.hostPort === subject.hostPort && p.protocol === subject.protocol) : owner.ports;
      for (const p of ports) f.hostPorts.push({ port: p.hostPort, protocol: p.protocol, label: `${c.name}'s published port ${p.hostPort}/${p.protocol}` });
      if (subject.type === 'container' && c.namespaceId) f.namespaces.push(c.namespaceId);
      break;
    }
  }
  return f;
}

const bare = (v: string) => v.replace(/\/(32|128)$/, '');

/** Why `rule` concerns the subject (empty: it does not). Negated matches still name the object, so they count. */
export function iptRuleConcerns(rule: IptRule, f: Facts): string[] {
  const why = new Set<string>();
  const addrs = [rule.source?.value, rule.destination?.value].filter((v): v is string => !!v);
  for (const { ip, label } of f.ips) {
    if (addrs.some((a) => bare(a) === ip)) why.add(label);
    const to = rule.target?.options.find((o) => o.name === 'to-destination' || o.name === 'to-source')?.args[0] ?? '';
    if (to === ip || to.startsWith(`${ip}:`) || to.startsWith(`[${ip}]`)) why.add(label);
  }
  for (const { cidr, label } of f.subnets) if (addrs.includes(cidr)) why.add(label);
  const ifaces = [rule.inInterface?.value, rule.outInterface?.value].filter((v): v is string => !!v);
  const physdev = rule.matches.filter((m) => m.module === 'physdev').flatMap((m) => m.options.flatMap((o) => o.args));
  for (const { name, label } of f.interfaces) {
    const hit = (v: string) => v === name || (v.endsWith('+') && name.startsWith(v.slice(0, -1)) && v.length > 1);
    if (ifaces.some(hit) || physdev.some(hit)) why.add(label);
  }
  if (f.hostPorts.length) {
    const proto = rule.protocol?.value;
    const dports = rule.matches.flatMap((m) => m.options.map((o) => portOption(m.module, o)).filter((o) => o && !o.negated && o.side === 'dport'));
    for (const { port, protocol, label } of f.hostPorts) {
      if ((!proto || proto === protocol) && dports.some((d) => portSpecHas(d!.spec, port)) && rule.target?.name === 'DNAT') why.add(label);
    }
  }
  return [...why];
}

/**
 * Whether a rule could carry the subject's traffic at all: a rule that only matches packets on some other
 * interface (say `-i br-other -j DOCKER-ISOLATION-STAGE-2`) is not on the subject's way even if it jumps to a chain
 * that is. Unknown subjects (no interfaces) exclude nothing.
 */
export function iptRuleCouldCarry(rule: IptRule, f: Facts): boolean {
  if (f.wholeHost || f.interfaces.length === 0) return true;
  const names = f.interfaces.map((i) => i.name);
  const matches = (v: string) => names.some((n) => n === v || (v.endsWith('+') && n.startsWith(v.slice(0, -1))));
  return [rule.inInterface, rule.outInterface].every((m) => !m || m.negated || matches(m.value));
}

/** The same questions asked of an nft rule (Docker 29's native tables), read by the shared statement reader. */
export function nftRuleConcerns(rule: NftRule, f: Facts): string[] {
  const why = new Set<string>();
  const p = parseNftStatements(rule.text);
  const addrs = [p.saddr?.value, p.daddr?.value].filter((v): v is string => !!v);
  const nat = p.verdict?.kind === 'dnat' || p.verdict?.kind === 'snat' ? splitEndpoint(p.verdict.arg ?? '').address : null;
  for (const { ip, label } of f.ips) if (addrs.some((a) => bare(a) === ip) || nat === ip) why.add(label);
  for (const { cidr, label } of f.subnets) if (addrs.includes(cidr)) why.add(label);
  const ifaces = [p.iif?.value, p.oif?.value].filter((v): v is string => !!v);
  for (const { name, label } of f.interfaces) if (ifaces.includes(name)) why.add(label);
  for (const { port, label } of f.hostPorts) if (p.verdict?.kind === 'dnat' && p.dport && !p.dport.negated && portSpecHas(p.dport.spec, port)) why.add(label);
  return [...why];
}

export interface AttributedRule {
  index: number;
  rule: IptRule;
  /** Why it concerns the subject; empty for rules shown only because they lead to such rules. */
  reasons: string[];
  /** A jump on the way to a chain holding concerned rules. */
  leadsThere: boolean;
}

export interface AttributedChain {
  table: string;
  chain: string;
  hook: string;
  depth: number;
  policy: string | null;
  rules: AttributedRule[];
  /** Rules in the chain that neither concern the subject nor lead to it (collapsed in the panel). */
  otherRules: number;
}

/**
 * The chains of one ruleset that decide the subject's traffic, in the order a packet meets them, with the rules
 * that concern it and the jumps that lead to them. `all` keeps every chain and rule (the full-ruleset view).
 */
export function attributeIptables(
  rs: IptRuleset,
  concerns: (r: IptRule) => string[],
  all = false,
  couldCarry: (r: IptRule) => boolean = () => true,
): AttributedChain[] {
  const visits = iptablesTraversal(rs);
  const table = (n: string) => rs.tables.find((t) => t.name === n)!;
  const reasons = new Map<string, string[]>();
  const key = (t: string, c: string, i: number) => `${t}/${c}/${i}`;
  for (const t of rs.tables) for (const c of t.chains) c.rules.forEach((r, i) => reasons.set(key(t.name, c.name, i), concerns(r)));
  // A chain matters if one of its rules concerns the subject or jumps to a chain that matters (fixpoint: chains nest).
  const matters = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const t of rs.tables) {
      const names = new Set(t.chains.map((c) => c.name));
      for (const c of t.chains) {
        const id = `${t.name}/${c.name}`;
        if (matters.has(id)) continue;
        const hit = c.rules.some(
          (r, i) => reasons.get(key(t.name, c.name, i))!.length > 0 || (couldCarry(r) && matters.has(`${t.name}/${jumpTarget(r, names)}`)),
        );
        if (hit) {
          matters.add(id);
          grew = true;
        }
      }
    }
  }
  const out: AttributedChain[] = [];
  for (const v of visits) {
    if (!all && !matters.has(`${v.table}/${v.chain}`)) continue;
    const t = table(v.table);
    const names = new Set(t.chains.map((c) => c.name));
    const c = t.chains.find((x) => x.name === v.chain)!;
    const rules = c.rules
      .map((rule, index) => {
        const why = reasons.get(key(v.table, v.chain, index))!;
        const leadsThere = couldCarry(rule) && matters.has(`${v.table}/${jumpTarget(rule, names)}`);
        return { index, rule, reasons: why, leadsThere };
      })
      .filter((r) => all || r.reasons.length > 0 || r.leadsThere);
    out.push({ table: v.table, chain: v.chain, hook: v.hook, depth: v.depth, policy: c.policy, rules, otherRules: c.rules.length - rules.length });
  }
  return out;
}

export interface AttributedNftChain {
  table: NftTable;
  chain: string;
  hook: string | null;
  depth: number;
  rules: { index: number; rule: NftRule; reasons: string[] }[];
  otherRules: number;
}

export function attributeNft(table: NftTable, concerns: (r: NftRule) => string[], all = false): AttributedNftChain[] {
  return nftTraversal(table)
    .map(({ chain, depth }) => {
      const rules = chain.rules.map((rule, index) => ({ index, rule, reasons: concerns(rule) })).filter((r) => all || r.reasons.length > 0);
      return { table, chain: chain.name, hook: chain.hook, depth, rules, otherRules: chain.rules.length - rules.length };
    })
    .filter((c) => all || c.rules.length > 0);
}
