import { applyNat, reverseNat } from './nat';
import { stopWith, type Hook, type HookIO, type Pkt, type Stop } from './packet';
import { evalConds, inert, type CChain, type CRule, type CTable, type CTarget, type MatchCtx } from './rules';
import type { NsView } from './view';
import type { Walk } from './walk-state';

/**
 * Netfilter hooks: each hook's base chains in priority order, each chain's rules in order with jumps, gotos and
 * returns; NAT chains only for a connection's first packet and only until one binds. A drop ends the walk: the
 * hook returns how it stopped.
 */

/** How a base chain ends when the walk goes on; a drop, a reject or an unknown returns a Stop instead. */
type ChainVerdict = 'accept' | 'nat';

/** Guards against a jump loop in a hand-made ruleset: the kernel refuses those, so this never fires on real dumps. */
const MAX_STEPS = 200_000;

function ruleStep(w: Walk, view: NsView, pkt: Pkt, hook: Hook, table: CTable, chain: string, rule: CRule | null, verdict: 'match' | 'no-match' | 'uncertain' | 'policy', effect: string | null, note?: string): void {
  const c = rule ? null : table.chains.get(chain)!;
  // Rules that did not match (verbose mode only) are listed without words: there can be thousands.
  const explanation = verdict === 'no-match' ? null : rule ? rule.explain() : c!.policyExplain();
  w.steps.push({
    type: 'rule',
    namespaceId: view.id,
    family: pkt.family === 4 ? 'ipv4' : 'ipv6',
    hook,
    table: table.name,
    chain,
    index: rule ? rule.index : null,
    text: rule ? rule.text : c!.policyText ?? '',
    verdict,
    effect,
    explanation: note ? `${note}${explanation ? ` ${explanation}` : ''}` : explanation,
  });
}

function endDropped(w: Walk, view: NsView, table: CTable, chain: CChain, rule: CRule | null, reject: boolean): Stop {
  const text = rule ? rule.text : chain.policyText ?? `policy ${chain.policy}`;
  w.decisive = { view, table, chain: chain.name, rule, verdict: reject ? 'rejected' : 'dropped' };
  return stopWith({
    result: reject ? 'rejected' : 'dropped',
    cause: 'rule',
    namespaceId: view.id,
    table: table.name,
    chain: chain.name,
    index: rule ? rule.index : null,
    rule: text,
  });
}

function endUncertain(view: NsView, table: CTable, chain: string, rule: CRule, why: string): Stop {
  return stopWith({ result: 'uncertain', cause: 'rule', namespaceId: view.id, table: table.name, chain, index: rule.index, rule: rule.text, why });
}

/** Runs one base chain (and what it jumps to) to a verdict. `nat` says a NAT target bound the connection. */
function runChain(w: Walk, ctx: MatchCtx, table: CTable, base: CChain, natManip: 'dst' | 'src' | null): ChainVerdict | Stop {
  const { view, pkt, hook } = ctx;
  const stack: Array<{ chain: CChain; i: number }> = [];
  let cur = { chain: base, i: 0 };
  let steps = 0;
  const policy = (): ChainVerdict | Stop => {
    ruleStep(w, view, pkt, hook, table, base.name, null, 'policy', (base.policy ?? 'accept').toUpperCase());
    if (base.policy === 'drop') return endDropped(w, view, table, base, null, false);
    w.lastAccept = { view, table, chain: base.name, rule: null, hook };
    return 'accept';
  };
  for (;;) {
    if (++steps > MAX_STEPS) return stopWith({ result: 'uncertain', cause: 'ruleset', namespaceId: view.id, why: `the rules loop (${table.name} ${cur.chain.name})` });
    if (cur.i >= cur.chain.rules.length) {
      const up = stack.pop();
      if (!up) return policy();
      cur = up;
      continue;
    }
    const rule = cur.chain.rules[cur.i++];
    let m = evalConds(rule.conds, ctx);
    // A verdict map with no element for this interface is a rule that does not apply.
    let t: CTarget = rule.target;
    if (t.kind === 'vmap' && m !== false) {
      const hit = t.map.get(t.key === 'iif' ? ctx.io.inIf : ctx.io.outIf);
      if (hit) t = hit;
      else m = false;
    }
    if (m === false) {
      if (w.verbose) ruleStep(w, view, pkt, hook, table, cur.chain.name, rule, 'no-match', null);
      continue;
    }
    if (m !== true) {
      if (inert(t)) {
        if (w.verbose) ruleStep(w, view, pkt, hook, table, cur.chain.name, rule, 'uncertain', t.label, `Cannot tell whether it matches (${m}); it changes nothing either way.`);
        continue;
      }
      const taken = w.oracle.choose({ namespaceId: view.id, table: table.name, chain: cur.chain.name, index: rule.index, rule: rule.text, why: m });
      ruleStep(w, view, pkt, hook, table, cur.chain.name, rule, 'uncertain', taken ? t.label : null, `Cannot tell whether it matches (${m}); assumed it ${taken ? 'does' : 'does not'}.`);
      if (!taken) continue;
    } else ruleStep(w, view, pkt, hook, table, cur.chain.name, rule, 'match', t === rule.target ? t.label : `${rule.target.label}: ${t.label}`);
    switch (t.kind) {
      case 'none':
      case 'continue':
        continue;
      case 'accept':
        w.lastAccept = { view, table, chain: cur.chain.name, rule, hook };
        if (pkt.dir === 'orig' && (hook === 'FORWARD' || hook === 'INPUT'))
          w.story.push(`is accepted in ${view.isHost ? '' : `${view.label}'s `}${hook} by ${table.name} ${cur.chain.name} rule ${rule.index + 1} (${rule.text})`);
        return 'accept';
      case 'drop':
      case 'reject':
        return endDropped(w, view, table, cur.chain, rule, t.kind === 'reject');
      case 'return': {
        const up = stack.pop();
        if (!up) return policy();
        cur = up;
        continue;
      }
      case 'jump':
      case 'goto': {
        const next = table.chains.get(t.chain)!;
        if (t.kind === 'jump') stack.push(cur);
        cur = { chain: next, i: 0 };
        continue;
      }
      case 'mark': {
        const [mark, ctmark] = t.apply(pkt.mark, pkt.ct?.ctmark ?? 0);
        pkt.mark = mark;
        if (pkt.ct) pkt.ct.ctmark = ctmark;
        continue;
      }
      case 'notrack':
        if (pkt.ct && pkt.dir === 'orig') pkt.ct.untracked = true;
        continue;
      case 'dnat':
      case 'snat':
      case 'masquerade':
      case 'redirect':
        if (!natManip || (natManip === 'dst') !== (t.kind === 'dnat' || t.kind === 'redirect'))
          return endUncertain(view, table, cur.chain.name, rule, `${t.label} outside the NAT hook where it works is not simulated`);
        return applyNat(w, ctx, t, table, cur.chain.name, rule) ?? 'nat';
      case 'unknown':
        return endUncertain(view, table, cur.chain.name, rule, t.why);
    }
  }
}

/** The packet passes hook `hook` of namespace `view` (null), or the walk stops there (dropped, rejected, uncertain). */
export function runHook(w: Walk, view: NsView, pkt: Pkt, hook: Hook, io: HookIO, nexthop: MatchCtx['nexthop'] = null): Stop | null {
  const plan = view.plan[pkt.family];
  if ('unread' in plan) return stopWith({ result: 'uncertain', cause: 'ruleset', namespaceId: view.id, why: plan.unread });
  const ctx: MatchCtx = { pkt, hook, io, view, nexthop };
  for (const slot of plan[hook]) {
    if (slot.kind === 'chain') {
      const v = runChain(w, ctx, slot.table, slot.chain, null);
      if (v !== 'accept' && v !== 'nat') return v;
      continue;
    }
    const ct = pkt.ct;
    if (!ct || ct.untracked) continue;
    if (pkt.dir === 'reply') {
      reverseNat(w, view, pkt, slot.manip);
      continue;
    }
    if (slot.manip === 'dst' ? ct.dnatDone : ct.snatDone) continue;
    for (const { table, chain } of slot.chains) {
      const v = runChain(w, ctx, table, chain, slot.manip);
      if (v === 'nat') break;
      if (v !== 'accept') return v;
    }
    if (slot.manip === 'dst') ct.dnatDone = true;
    else ct.snatDone = true;
  }
  return null;
}
