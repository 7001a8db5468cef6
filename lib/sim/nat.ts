import { hostPort, makeIP, sameIP } from './addr';
import { End, portOf, type Pkt } from './packet';
import { devAddress } from './routing';
import type { CRule, CTable, CTarget, MatchCtx } from './rules';
import type { NsView } from './view';
import type { Walk } from './walk-state';

/**
 * NAT as conntrack does it: a NAT target binds the connection (first packet only) and rewrites the packet; the
 * reply gets the reverse rewrite at the matching hook (un-SNAT before routing, un-DNAT after), without rules.
 */

export function applyNat(w: Walk, ctx: MatchCtx, t: CTarget, table: CTable, chain: string, rule: CRule): void {
  const { pkt, view, io } = ctx;
  const ct = pkt.ct!;
  const by = `${table.name} ${chain} rule ${rule.index + 1}`;
  const fail = (why: string): never => {
    w.decisive = { view, table, chain, rule, verdict: 'dropped' };
    throw new End({ result: 'dropped', namespaceId: view.id, table: table.name, chain, index: rule.index, rule: `${rule.text} (${why})` });
  };
  if (t.kind === 'dnat' || t.kind === 'redirect') {
    const before = hostPort(pkt.dst, portOf(pkt));
    if (t.kind === 'dnat') {
      if (t.addr) pkt.dst = t.addr;
    } else {
      // REDIRECT: to the incoming interface's first address, or loopback for locally generated packets.
      const to = ctx.hook === 'OUTPUT' ? (pkt.family === 4 ? makeIP(false, 0x7f000001n) : makeIP(true, 1n)) : devAddress(view, io.inIf, pkt.family, null);
      if (!to) fail(`${io.inIf} has no address to redirect to`);
      pkt.dst = to!;
    }
    if (t.port !== null) pkt.dport = t.port;
    ct.dnat = { ip: pkt.dst, port: portOf(pkt) };
    const after = hostPort(pkt.dst, portOf(pkt));
    w.steps.push({ type: 'nat', kind: t.kind, before, after, by });
    w.story.push(`is ${t.kind === 'dnat' ? 'DNATed' : 'redirected'} to ${after} by ${by}`);
    return;
  }
  if (t.kind === 'snat' || t.kind === 'masquerade') {
    const before = pkt.src.text;
    if (t.kind === 'snat') {
      if (t.addr) pkt.src = t.addr;
    } else {
      const to = devAddress(view, io.outIf, pkt.family, ctx.nexthop);
      if (!to) fail(`MASQUERADE finds no address on ${io.outIf}`);
      pkt.src = to!;
    }
    ct.snat = { ip: pkt.src };
    if (before !== pkt.src.text) {
      w.steps.push({ type: 'nat', kind: t.kind, before, after: pkt.src.text, by });
      w.story.push(`is ${t.kind === 'snat' ? 'SNATed' : 'masqueraded'} to the source ${pkt.src.text} by ${by}`);
    }
  }
}

/** The reply's side of NAT: `dst` hooks undo a SNAT/MASQUERADE, `src` hooks undo a DNAT/REDIRECT. */
export function reverseNat(w: Walk, view: NsView, pkt: Pkt, manip: 'dst' | 'src'): void {
  const ct = pkt.ct!;
  if (manip === 'dst' && ct.snat && !sameIP(pkt.dst, ct.origSrc)) {
    const before = pkt.dst.text;
    pkt.dst = ct.origSrc;
    w.steps.push({ type: 'nat', kind: 'snat', before, after: pkt.dst.text, by: `conntrack in ${view.label} (reply: the source NAT undone)` });
    w.story.push(`conntrack in ${view.label} undoes the source NAT (${before} → ${pkt.dst.text})`);
  }
  const portBack = ct.origDport !== null && (pkt.sport[0] !== ct.origDport || pkt.sport[1] !== ct.origDport);
  if (manip === 'src' && ct.dnat && (!sameIP(pkt.src, ct.origDst) || portBack)) {
    const before = hostPort(pkt.src, pkt.sport[0]);
    pkt.src = ct.origDst;
    if (ct.origDport !== null) pkt.sport = [ct.origDport, ct.origDport];
    const after = hostPort(pkt.src, ct.origDport);
    w.steps.push({ type: 'nat', kind: 'dnat', before, after, by: `conntrack in ${view.label} (reply: the DNAT undone)` });
    w.story.push(`conntrack in ${view.label} undoes the DNAT (${before} → ${after})`);
  }
}
