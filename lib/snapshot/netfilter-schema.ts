import { z } from 'zod';

/** Packet/byte counters as the kernel reports them (`[p:b]` in iptables-save, `counter packets N bytes M` in nft). */
export const Counters = z.object({ packets: z.number().int().nonnegative(), bytes: z.number().int().nonnegative() });
export type Counters = z.infer<typeof Counters>;

/** One `--option arg…` inside a match module or a target, with its `!` negation. */
export const IptOption = z.object({
  name: z.string(), // without the leading dashes: "dport", "ctstate", "to-destination"
  args: z.array(z.string()),
  negated: z.boolean(),
});
export type IptOption = z.infer<typeof IptOption>;

/** A value of one of the built-in matches (-s, -d, -i, -o, -p), possibly negated. */
export const NegatableValue = z.object({ value: z.string(), negated: z.boolean() });
export type NegatableValue = z.infer<typeof NegatableValue>;

/** `-m module --opt …`: `known` is false for modules this project does not understand; they are kept verbatim. */
export const IptMatch = z.object({
  module: z.string(),
  options: z.array(IptOption),
  known: z.boolean(),
});
export type IptMatch = z.infer<typeof IptMatch>;

export const IptTarget = z.object({
  name: z.string(), // ACCEPT, DNAT, a user chain …
  goto: z.boolean(), // -g instead of -j
  options: z.array(IptOption),
});
export type IptTarget = z.infer<typeof IptTarget>;

export const IptRule = z.object({
  /** The rule as the dump wrote it, without its counters: `-A CHAIN …`. */
  raw: z.string(),
  counters: Counters.nullable(),
  source: NegatableValue.nullable(),
  destination: NegatableValue.nullable(),
  inInterface: NegatableValue.nullable(),
  outInterface: NegatableValue.nullable(),
  protocol: NegatableValue.nullable(),
  /** `-f` / `! -f`: null when absent. */
  fragment: z.object({ negated: z.boolean() }).nullable(),
  matches: z.array(IptMatch),
  /** null for a rule without -j/-g (it only counts). */
  target: IptTarget.nullable(),
  /** Tokens the parser could not place; non-empty means the rule is only partly understood. */
  unparsed: z.array(z.string()),
});
export type IptRule = z.infer<typeof IptRule>;

export const IptChain = z.object({
  name: z.string(),
  builtin: z.boolean(),
  /** Built-in chains have a policy; user chains have none (`-` in iptables-save). */
  policy: z.string().nullable(),
  counters: Counters.nullable(),
  rules: z.array(IptRule),
});
export type IptChain = z.infer<typeof IptChain>;

export const IptTable = z.object({ name: z.string(), chains: z.array(IptChain) });
export type IptTable = z.infer<typeof IptTable>;

/** A whole iptables ruleset of one family, in table order of the dump. */
export const IptRuleset = z.object({
  tables: z.array(IptTable),
  /** Lines that were not understood at all (neither table, chain, rule, COMMIT nor comment), with line numbers. */
  unparsedLines: z.array(z.object({ line: z.number().int(), text: z.string() })),
});
export type IptRuleset = z.infer<typeof IptRuleset>;

export const NftRule = z.object({
  /** nft syntax of the rule, as `nft list` prints it (without the handle comment). */
  text: z.string(),
  handle: z.number().int().nullable(),
  counters: Counters.nullable(),
  comment: z.string().nullable(),
  /** The rule's JSON expressions from `nft -j`, when collected from a live host. */
  expr: z.array(z.unknown()).nullable(),
});
export type NftRule = z.infer<typeof NftRule>;

export const NftChain = z.object({
  name: z.string(),
  /** Base chains: the hook they attach to and their priority; null for regular chains. */
  type: z.string().nullable(),
  hook: z.string().nullable(),
  priority: z.union([z.number(), z.string()]).nullable(),
  policy: z.string().nullable(),
  rules: z.array(NftRule),
});
export type NftChain = z.infer<typeof NftChain>;

/** A named set or verdict map (Docker 29 dispatches per bridge through `vmap`s). */
export const NftSet = z.object({
  name: z.string(),
  kind: z.enum(['set', 'map']),
  type: z.string(),
  /** Elements as text: `"docker0" : jump filter-forward-in__docker0` for a map, `192.0.2.2` for a set. */
  elements: z.array(z.string()),
});
export type NftSet = z.infer<typeof NftSet>;

export const NftTable = z.object({
  family: z.string(), // ip, ip6, inet, bridge, arp, netdev
  name: z.string(),
  chains: z.array(NftChain),
  sets: z.array(NftSet),
});
export type NftTable = z.infer<typeof NftTable>;

/** Netfilter state of one network namespace. A null member means "not read" (see the snapshot's problems). */
export const Netfilter = z.object({
  ipv4: IptRuleset.nullable(),
  ipv6: IptRuleset.nullable(),
  /** Native nftables tables, i.e. those not created by iptables-nft (e.g. Docker 29's `ip docker-bridges`). */
  nftables: z.array(NftTable).nullable(),
});
export type Netfilter = z.infer<typeof Netfilter>;
