import { BUILTIN_CHAINS } from './iptables-modules';

/**
 * Where netfilter runs rules: the five hooks in the order a packet meets them, and the priority that places each
 * iptables table and each nftables base chain within a hook (lower runs first; kernel values from
 * include/uapi/linux/netfilter_ipv4.h). The rule panel's listing order and the simulator's hook plan both come from here.
 */

export type Hook = 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';

/** Hooks in packet order: in from the wire, to the host or through it, out again. */
export const HOOKS: readonly Hook[] = ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'];

/** nft's lower-case hook names. */
export const NFT_HOOKS: Readonly<Record<string, Hook>> = {
  prerouting: 'PREROUTING',
  input: 'INPUT',
  forward: 'FORWARD',
  output: 'OUTPUT',
  postrouting: 'POSTROUTING',
};

/** Priority of each standard iptables table (nat: see {@link NAT_SLOT}). */
export const IPT_TABLE_PRIORITY: Readonly<Record<string, number>> = { raw: -300, mangle: -150, nat: -100, filter: 0, security: 50 };

/** Where conntrack's NAT runs: destination NAT before routing, source NAT after. */
export const NAT_SLOT: Readonly<Partial<Record<Hook, { manip: 'dst' | 'src'; priority: number }>>> = {
  PREROUTING: { manip: 'dst', priority: -100 },
  OUTPUT: { manip: 'dst', priority: -100 },
  INPUT: { manip: 'src', priority: 100 },
  POSTROUTING: { manip: 'src', priority: 100 },
};

/** A table's priority at a hook: nat's is the hook's NAT slot. */
export function iptTablePriority(table: string, hook: Hook): number {
  return table === 'nat' ? (NAT_SLOT[hook]?.priority ?? 0) : (IPT_TABLE_PRIORITY[table] ?? 0);
}

/** The standard iptables tables with a built-in chain at each hook, in the order they run there. */
export const HOOK_TABLES: ReadonlyArray<{ hook: Hook; tables: string[] }> = HOOKS.map((hook) => ({
  hook,
  tables: Object.keys(IPT_TABLE_PRIORITY)
    .filter((t) => BUILTIN_CHAINS[t].includes(hook))
    .sort((a, b) => iptTablePriority(a, hook) - iptTablePriority(b, hook)),
}));

/** nft's named base-chain priorities. */
const NFT_PRIORITY_NAMES: Readonly<Record<string, number>> = { raw: -300, mangle: -150, dstnat: -100, filter: 0, security: 50, srcnat: 100 };

/** A base chain's priority as a number (`filter - 1` → -1, `dstnat` → -100). */
export function nftPriority(p: number | string | null): number {
  if (typeof p === 'number') return p;
  if (!p) return 0;
  const m = /^([a-z]+)\s*([+-])?\s*(\d+)?$/.exec(p.trim());
  if (!m) return Number(p) || 0;
  const base = NFT_PRIORITY_NAMES[m[1]] ?? 0;
  return m[2] && m[3] ? base + (m[2] === '-' ? -1 : 1) * Number(m[3]) : base;
}

/** Order of an nft base chain's hook; `ingress` (netdev), which runs before all of them, and other hooks come first. */
export function nftHookOrder(hook: string): number {
  const h = NFT_HOOKS[hook];
  return h ? HOOKS.indexOf(h) : -1;
}
