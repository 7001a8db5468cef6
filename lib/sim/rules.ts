import type { IP } from './addr';
import type { HookIO, Hook, Pkt } from './packet';
import type { NsView } from './view';

/**
 * Rules compiled once per snapshot (iptables and native nftables alike) into conditions and a target, so a trace
 * only runs closures. A condition answers true, false, or a string: "cannot tell, because …".
 */
export type Tri = true | false | string;

export interface MatchCtx {
  pkt: Pkt;
  hook: Hook;
  io: HookIO;
  view: NsView;
  /** The next hop out, in POSTROUTING (MASQUERADE picks the address facing it). */
  nexthop: IP | null;
}

export type Cond = (c: MatchCtx) => Tri;

/** Targets by what they do to the walk. `label` is how a step shows it: ACCEPT, jump DOCKER, DNAT → 1.2.3.4:80. */
export type CTarget =
  | { kind: 'accept' | 'drop' | 'reject' | 'return' | 'none' | 'notrack'; label: string }
  | { kind: 'jump' | 'goto'; chain: string; label: string }
  /** LOG, NFLOG, TCPMSS …: nothing that changes where the packet goes or what it looks like to a rule here. */
  | { kind: 'continue'; label: string }
  | { kind: 'mark'; apply: (mark: number, ctmark: number) => [number, number]; label: string }
  | { kind: 'dnat' | 'snat'; addr: IP | null; port: number | null; label: string }
  | { kind: 'masquerade' | 'redirect'; port: number | null; label: string }
  /** nft `iifname vmap @map`: the verdict listed for the interface, if any. */
  | { kind: 'vmap'; key: 'iif' | 'oif'; map: Map<string, CTarget>; label: string }
  /** Matched, but what the target does is not modelled (NFQUEUE, TPROXY, an unknown target): the outcome is unknown. */
  | { kind: 'unknown'; why: string; label: string };

export interface CRule {
  index: number;
  text: string;
  conds: Cond[];
  target: CTarget;
  /** The rule's explanation sentence (lazy: only steps that show a rule need it). */
  explain(): string | null;
}

/** A compiled rule whose explanation is computed on first request by `explainer(chain, index)`. */
export class Rule implements CRule {
  private said: string | null | undefined;
  constructor(
    readonly index: number,
    readonly text: string,
    readonly conds: Cond[],
    readonly target: CTarget,
    private readonly chain: string,
    private readonly explainer: (chain: string, index: number) => string | null,
  ) {}
  explain(): string | null {
    if (this.said === undefined) this.said = this.explainer(this.chain, this.index);
    return this.said;
  }
}

export interface CChain {
  name: string;
  /** Base chains end in their policy; user/regular chains return to their caller. */
  policy: 'accept' | 'drop' | null;
  policyText: string | null;
  policyExplain: () => string | null;
  rules: CRule[];
}

export interface CTable {
  kind: 'ipt' | 'nft';
  /** iptables table name, or `ip docker-bridges` for nft. */
  name: string;
  chains: Map<string, CChain>;
}

/** AND of three-valued conditions: any false wins, then the first unknown, else true. */
export function evalConds(conds: Cond[], c: MatchCtx): Tri {
  let unknown: string | null = null;
  for (const cond of conds) {
    const r = cond(c);
    if (r === false) return false;
    if (r !== true && unknown === null) unknown = r;
  }
  return unknown ?? true;
}

/** Targets whose matching or not changes nothing: an unknown match in front of them needs no answer. */
export const inert = (t: CTarget) => t.kind === 'continue' || t.kind === 'none';

/** A chain whose rules are compiled on first use: a trace only pays for the chains it walks. */
export function lazyChain(c: Omit<CChain, 'rules'>, compile: () => CRule[]): CChain {
  let rules: CRule[] | null = null;
  return Object.defineProperty(c, 'rules', { get: () => (rules ??= compile()), enumerable: true }) as CChain;
}
