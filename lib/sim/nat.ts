import { hostPort } from '../snapshot/names';
import { makeIP, sameIP, type IP } from './addr';
import { portOf, stopWith, type Pkt, type Stop } from './packet';
import { devAddress } from './routing';
import type { CRule, CTable, CTarget, MatchCtx } from './rules';
import type { SocketAddress } from './types';
import type { NsView } from './view';
import type { Walk } from './walk-state';

/**
 * NAT as conntrack does it: a NAT target binds the connection (first packet only) and rewrites the packet; the
 * reply gets the reverse rewrite at the matching hook (un-SNAT before routing, un-DNAT after), without rules.
 */

const at = (ip: IP, port: number | null): SocketAddress => ({ ip: ip.text, port });
const text = (a: SocketAddress) => hostPort(a.ip, a.port);

/** Binds and applies a NAT target; a Stop when the kernel could not (no address to masquerade or redirect to). */
export function applyNat(w: Walk, ctx: MatchCtx, t: CTarget, table: CTable, chain: string, rule: CRule): Stop | null {
  const { pkt, view, io } = ctx;
  const ct = pkt.ct!;
  const by = `${table.name} ${chain} rule ${rule.index + 1}`;
  const fail = (why: string): Stop => {
    w.decisive = { view, table, chain, rule, verdict: 'dropped' };
    return stopWith({ result: 'dropped', cause: 'rule', namespaceId: view.id, table: table.name, chain, index: rule.index, rule: `${rule.text} (${why})` });
  };
  if (t.kind === 'dnat' || t.kind === 'redirect') {
    const before = at(pkt.dst, portOf(pkt));
    if (t.kind === 'dnat') {
      if (t.addr) pkt.dst = t.addr;
    } else {
      // REDIRECT: to the incoming interface's first address, or loopback for locally generated packets.
      const to = ctx.hook === 'OUTPUT' ? (pkt.family === 4 ? makeIP(false, 0x7f000001n) : makeIP(true, 1n)) : devAddress(view, io.inIf, pkt.family, null);
      if (!to) return fail(`${io.inIf} has no address to redirect to`);
      pkt.dst = to;
    }
    if (t.port !== null) pkt.dport = t.port;
    ct.dnat = { ip: pkt.dst, port: portOf(pkt) };
    const after = at(pkt.dst, portOf(pkt));
    w.steps.push({ type: 'nat', kind: t.kind, rewrites: 'destination', before, after, undo: false, by });
    w.story.push(`is ${t.kind === 'dnat' ? 'DNATed' : 'redirected'} to ${text(after)} by ${by}`);
    return null;
  }
  if (t.kind === 'snat' || t.kind === 'masquerade') {
    const before = pkt.src;
    if (t.kind === 'snat') {
      if (t.addr) pkt.src = t.addr;
    } else {
      const to = devAddress(view, io.outIf, pkt.family, ctx.nexthop);
      if (!to) return fail(`MASQUERADE finds no address on ${io.outIf}`);
      pkt.src = to;
    }
    ct.snat = { ip: pkt.src };
    if (!sameIP(before, pkt.src)) {
      w.steps.push({ type: 'nat', kind: t.kind, rewrites: 'source', before: at(before, null), after: at(pkt.src, null), undo: false, by });
      w.story.push(`is ${t.kind === 'snat' ? 'SNATed' : 'masqueraded'} to the source ${pkt.src.text} by ${by}`);
    }
  }
  return null;
}

/** The reply's side of NAT: `dst` hooks undo a SNAT/MASQUERADE, `src` hooks undo a DNAT/REDIRECT. */
export function reverseNat(w: Walk, view: NsView, pkt: Pkt, manip: 'dst' | 'src'): void {
  const ct = pkt.ct!;
  if (manip === 'dst' && ct.snat && !sameIP(pkt.dst, ct.origSrc)) {
    const before = at(pkt.dst, null);
    pkt.dst = ct.origSrc;
    const after = at(pkt.dst, null);
    w.steps.push({ type: 'nat', kind: 'snat', rewrites: 'destination', before, after, undo: true, by: `conntrack in ${view.label} (reply: the source NAT undone)` });
    w.story.push(`conntrack in ${view.label} undoes the source NAT (${text(before)} → ${text(after)})`);
  }
  const portBack = ct.origDport !== null && (pkt.sport[0] !== ct.origDport || pkt.sport[1] !== ct.origDport);
  if (manip === 'src' && ct.dnat && (!sameIP(pkt.src, ct.origDst) || portBack)) {
    const before = at(pkt.src, pkt.sport[0]);
    pkt.src = ct.origDst;
    if (ct.origDport !== null) pkt.sport = [ct.origDport, ct.origDport];
    const after = at(pkt.src, ct.origDport);
    w.steps.push({ type: 'nat', kind: 'dnat', rewrites: 'source', before, after, undo: true, by: `conntrack in ${view.label} (reply: the DNAT undone)` });
    w.story.push(`conntrack in ${view.label} undoes the DNAT (${text(before)} → ${text(after)})`);
  }
}
