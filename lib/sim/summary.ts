import { listenerText } from './listen';
import type { Outcome } from './types';
import type { Prepared } from './view';
import type { Walk } from './walk-state';

/** The plain-words paragraph and the reply sentence of a trace. */

const nsName = (p: Prepared, id: string) => p.views.get(id)?.label ?? id;

/** How the trace ends, as a verb phrase whose subject is the packet. */
function verdict(p: Prepared, o: Outcome, w: Walk): string {
  switch (o.result) {
    case 'delivered': {
      if (o.leaves) return `is handed to the next hop ${o.leaves.via ?? ''} on ${o.leaves.iface} with the source ${o.seenSource} (what lies beyond is not in the snapshot)`;
      const listen = o.listener === 'unknown' ? `; whether a process listens on ${o.seenDestination} there is not known` : '';
      const taken = o.listener && o.listener !== 'unknown' ? `, where the socket on ${listenerText(o.listener)} takes it` : '';
      return `is delivered to ${nsName(p, o.namespaceId)} at ${o.seenDestination}, which sees it come from ${o.seenSource}${listen}${taken}`;
    }
    case 'refused':
      return `is refused (RST) by ${nsName(p, o.namespaceId)}: ${o.why}`;
    case 'port-unreachable':
      return `gets an ICMP port unreachable from ${nsName(p, o.namespaceId)}: ${o.why}`;
    case 'dropped':
    case 'rejected': {
      if (o.cause !== 'rule') return `is dropped by the kernel of ${nsName(p, o.namespaceId)} (${o.why})`;
      const d = w.decisive;
      const explanation = d ? (d.rule ? d.rule.explain() : d.table.chains.get(d.chain)?.policyExplain() ?? null) : null;
      // Steps keep 0-based indexes; people read rule numbers as `iptables -L --line-numbers` and the panel do, from 1.
      const which = o.index === null ? `the ${o.table} ${o.chain} policy` : `${o.table} ${o.chain} rule ${o.index + 1}`;
      return `is ${o.result} in ${nsName(p, o.namespaceId)} by ${which} (${o.rule})${explanation ? `: ${explanation.replace(/\.$/, '')}` : ''}`;
    }
    case 'no-route':
      if (o.isolation) return `finds no way on: ${o.why}`;
      return o.namespaceId === null ? `finds no way on: the source has ${o.why ?? 'no network'}` : `finds no way on: ${nsName(p, o.namespaceId)} has ${o.why ?? `no route to ${o.destination}`}`;
    case 'uncertain':
      return o.cause === 'rule'
        ? `cannot be followed with certainty: it depends on ${o.table} ${o.chain} rule ${o.index + 1} (${o.rule}), and ${o.why}`
        : `cannot be followed with certainty: ${o.why}`;
  }
}

export function summaryText(p: Prepared, head: string, w: Walk, story: string[], o: Outcome): string {
  const end = o.result !== 'delivered' && o.direction === 'reply' ? `gets there, but the reply ${verdict(p, o, w)}` : verdict(p, o, w);
  const body = story.length ? `it ${story.join(', ')}, and ${end}` : `it ${end}`;
  // A docker-proxy phrase ends in "that one": the second connection's story goes on from it.
  return `${head}: ${body.replace(/: that one, /g, ': that one ')}.`;
}

/** The reply in a sentence: how conntrack brings it back and undoes the NAT. */
export function replyText(replyStory: string[], o: Outcome, legs: number): string | null {
  if (o.result !== 'delivered') {
    if (o.direction !== 'reply') return null;
    return `The reply does not make it back, so the connection fails${replyStory.length ? ` (${replyStory.join('; ')})` : ''}.`;
  }
  const nat = replyStory.filter((s) => s.startsWith('conntrack'));
  const legWords = legs > 1 ? 'On both legs, replies' : 'Replies';
  return `${legWords} come back the same way as part of the connection (conntrack state ESTABLISHED)${nat.length ? `; ${nat.join('; ')}` : '; there is no NAT to undo'}.`;
}
