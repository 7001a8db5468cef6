import type { ReachCell, ReachMatrix } from './matrix';

const MARK: Record<ReachCell['verdict'], string> = { delivered: 'ok', refused: 'RF', dropped: 'xx', uncertain: '??' };

/** The matrix as text: a grid of marks with numbered columns, then why each kind of failure happened. */
export function formatReach(m: ReachMatrix): string {
  const w = Math.max(6, ...m.sources.map((s) => s.label.length)) + 2;
  const colW = Math.max(4, String(m.targets.length).length + 3);
  const lines = [`${'source'.padEnd(w)}${m.targets.map((_, j) => `[${j + 1}]`.padEnd(colW)).join('')}`];
  m.sources.forEach((s, i) => lines.push(`${s.label.padEnd(w)}${m.cells[i].map((c) => (c ? MARK[c.verdict] : '').padEnd(colW)).join('')}`));
  lines.push('');
  m.targets.forEach((t, j) => lines.push(`[${j + 1}] ${t.label}`));
  lines.push('', 'ok delivered · xx dropped · RF refused · ?? uncertain · blank: not a pair (loopback names the host only from the host)');
  // Each distinct reason once, with how many pairs it stops.
  const reasons = new Map<string, number>();
  for (const c of m.cells.flat()) if (c && c.verdict !== 'delivered') reasons.set(c.why, (reasons.get(c.why) ?? 0) + 1);
  if (reasons.size > 0) {
    lines.push('', 'why not:');
    for (const [why, n] of [...reasons].sort((a, b) => b[1] - a[1])) lines.push(`  ${String(n).padStart(4)} × ${why}`);
  }
  return lines.join('\n') + '\n';
}
