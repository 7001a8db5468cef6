import type { Mark } from '@/lib/compare/union-graph';

/**
 * How a compared node looks, as CSS over the graph's own `data-node-id` attributes: the graph component draws
 * one picture and knows nothing of comparing; this sheet marks the union's nodes from outside.
 */
export const MARK_LOOK: Record<Mark, { stroke?: string; strokeWidth?: string; opacity?: number; strokeDasharray?: string }> = {
  added: { stroke: '#16a34a', strokeWidth: '3px' },
  removed: { opacity: 0.4, strokeDasharray: '5 3' },
  changed: { stroke: '#d97706', strokeWidth: '3px' },
};

export const MARK_WORDS: Record<Mark, string> = { added: 'only in B (added)', removed: 'only in A (removed: a ghost)', changed: 'in both, changed' };

const css = (look: (typeof MARK_LOOK)[Mark]) =>
  Object.entries(look)
    .map(([k, v]) => `${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${String(v)};`)
    .join(' ');

/** An attribute value as a quoted CSS string (node ids come from the snapshot: untrusted text). */
const cssString = (s: string) => `"${s.replace(/["\\\n\r<>]/g, (c) => `\\${c.charCodeAt(0).toString(16)} `)}"`;

export function markSheet(marks: Map<string, Mark>): string {
  const rules: string[] = [];
  for (const [id, mark] of marks) {
    const sel = `[data-testid="compare-graph"] [data-node-id=${cssString(id)}]`;
    // A ghost fades whole; added and changed nodes get a coloured outline on their shape.
    rules.push(mark === 'removed' ? `${sel} { ${css(MARK_LOOK.removed)} }` : `${sel} > :is(rect, path, circle, polygon, ellipse) { ${css(MARK_LOOK[mark])} }`);
  }
  return rules.join('\n');
}
