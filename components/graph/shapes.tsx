import type { Box, NodeKind } from '@/lib/topology/types';

/** Small kinds draw an icon of this size and put their label beside or under it. */
export const ICON = 16;

/** Kinds drawn as a small icon rather than filling their box. */
export const isIconKind = (k: NodeKind) => k === 'veth' || k === 'interface' || k === 'proxy';

/** Where an icon kind's icon sits in its box: at the left when the box is wide enough to hold a label beside it. */
export function iconCentre(b: Box): { cx: number; cy: number; beside: boolean } {
  const s = Math.min(ICON, b.h, b.w);
  const beside = b.w >= b.h * 2.5;
  return { cx: beside ? b.x + s / 2 + 1 : b.x + b.w / 2, cy: b.y + b.h / 2, beside };
}

/** The outline of a node, sized from its layout box. */
export function Shape({ kind, box: b, className }: { kind: NodeKind; box: Box; className: string }) {
  switch (kind) {
    case 'uplink': {
      const q = Math.min(b.h / 2, b.w / 4);
      const pts = [
        [b.x + q, b.y],
        [b.x + b.w - q, b.y],
        [b.x + b.w, b.y + b.h / 2],
        [b.x + b.w - q, b.y + b.h],
        [b.x + q, b.y + b.h],
        [b.x, b.y + b.h / 2],
      ];
      return <polygon points={pts.map((p) => p.join(',')).join(' ')} className={className} strokeWidth={2} />;
    }
    case 'bridge':
      return <rect x={b.x} y={b.y} width={b.w} height={b.h} rx={3} className={className} strokeWidth={2} />;
    case 'namespace':
      return <rect x={b.x} y={b.y} width={b.w} height={b.h} rx={10} className={className} strokeWidth={1.2} strokeDasharray="5 4" />;
    case 'project':
      return (
        <>
          <rect x={b.x + 6} y={b.y - 6} width={b.w - 6} height={b.h} rx={8} className={className} strokeWidth={1} />
          <rect x={b.x} y={b.y} width={b.w} height={b.h} rx={8} className={className} strokeWidth={2} />
        </>
      );
    case 'container':
      return <rect x={b.x} y={b.y} width={b.w} height={b.h} rx={6} className={className} strokeWidth={1.5} />;
    case 'port':
      return <rect x={b.x} y={b.y} width={b.w} height={b.h} rx={b.h / 2} className={className} strokeWidth={1.5} />;
    case 'veth': {
      const { cx, cy } = iconCentre(b);
      return <circle cx={cx} cy={cy} r={Math.min(ICON, b.h, b.w) / 2} className={className} strokeWidth={1.5} />;
    }
    case 'interface': {
      const { cx, cy } = iconCentre(b);
      const s = Math.min(ICON, b.h, b.w) * 0.85;
      return <rect x={cx - s / 2} y={cy - s / 2} width={s} height={s} rx={1.5} className={className} strokeWidth={1.5} />;
    }
    case 'proxy': {
      const { cx, cy } = iconCentre(b);
      const r = Math.min(ICON, b.h, b.w) / 2;
      return <polygon points={`${cx},${cy - r} ${cx + r},${cy} ${cx},${cy + r} ${cx - r},${cy}`} className={className} strokeWidth={1.5} />;
    }
  }
}

/** Cuts a label to roughly fit `width` px at ~6.4 px per character (11 px monospace-ish UI font). */
export function fit(text: string, width: number, charWidth = 6.4): string {
  const max = Math.max(3, Math.floor(width / charWidth));
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
