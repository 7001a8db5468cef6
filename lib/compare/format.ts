import type { CompareKind, SemanticChange } from './changes';
import type { Comparison } from './compare';
import { sideShort, type FlowChange, type FlowChangeKind } from './reach-diff';

/** A comparison as a changelog: what broke or opened first, then what changed, grouped by kind. */

const SIGN: Record<string, string> = { added: '+', removed: '-', changed: '~', restarted: '↻', recreated: '↻', renamed: '~', moved: '↕' };

const GROUPS: Array<[string, CompareKind[]]> = [
  ['Docker', ['docker']],
  ['Containers', ['container', 'endpoint', 'port']],
  ['Networks', ['network']],
  ['Namespaces', ['namespace']],
  ['Interfaces', ['interface']],
  ['Routes', ['route']],
  ['Listening sockets', ['listener']],
  ['Sysctls', ['sysctl']],
  ['Rules', ['rule']],
];

const FLOW_TITLE: Record<FlowChangeKind, string> = { broken: 'BROKEN', opened: 'OPENED', changed: 'CHANGED', new: 'NEW' };

function changeLine(c: SemanticChange): string[] {
  const head = `  ${SIGN[c.action] ?? '~'} ${c.kind === 'container' || c.kind === 'network' ? '' : `${c.kind} `}${c.action === 'added' || c.action === 'removed' ? '' : `${c.action} `}${c.subject}${c.detail ? `: ${c.detail}` : ''}`;
  return c.explanation ? [head, `      ${c.explanation}`] : [head];
}

function flowLines(f: FlowChange): string[] {
  // Still not delivered, for another reason: one line, the rule before and after (the change list says why).
  if (f.kind === 'changed') return [`  ${FLOW_TITLE[f.kind].padEnd(8)}${f.key}: ${f.before?.verdict} by ${sideShort(f.before)} → ${f.after?.verdict} by ${sideShort(f.after)}`];
  return [`  ${FLOW_TITLE[f.kind].padEnd(8)}${f.key}`, `          ${f.because}`];
}

export function formatComparison(c: Comparison, a: string, b: string): string {
  const out: string[] = [`Comparing ${a} → ${b}`, ''];
  const r = c.reachability;
  const count = (k: FlowChangeKind) => r.changes.filter((f) => f.kind === k);
  const [broken, opened, changed, fresh] = (['broken', 'opened', 'changed', 'new'] as const).map(count);
  out.push(`Reachability: ${broken.length} broken, ${opened.length} opened, ${changed.length} dropped for another reason, ${fresh.length} new (${r.compared} flows compared, ${r.sources.length} sources × ${r.targets.length} targets)`);
  for (const f of [...broken, ...opened, ...changed]) out.push(...flowLines(f));
  // New flows are many (every source × a new target); those that get through are the ones worth reading.
  const delivered = fresh.filter((f) => f.after?.verdict === 'delivered');
  if (fresh.length) out.push(`  ${fresh.length} new flows (a source or target that did not exist), ${delivered.length} delivered:`);
  for (const f of delivered) out.push(`    ${f.key}`);
  out.push('');
  if (c.changes.length === 0) out.push('No changes (counters and rates are not changes).');
  else out.push(`Changes (${c.changes.length}):`);
  for (const [title, kinds] of GROUPS) {
    const these = c.changes.filter((x) => kinds.includes(x.kind));
    if (!these.length) continue;
    out.push(` ${title}`);
    for (const x of these) out.push(...changeLine(x));
  }
  return out.join('\n') + '\n';
}
