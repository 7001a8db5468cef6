'use client';

import { memo } from 'react';
import type { EdgeKind } from '@/lib/topology/types';
import { EDGE_STYLES } from './styles';

export interface EdgeViewProps {
  id: string;
  kind: EdgeKind;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  dimmed: boolean;
  /** Drawn again above the hover veil: no identity (see NodeView). */
  echo?: boolean;
}

/** A straight line between two node centres; drawn under the nodes, so it appears to join their outlines. */
export const EdgeView = memo(function EdgeView(p: EdgeViewProps) {
  const s = EDGE_STYLES[p.kind];
  return (
    <line
      data-edge-id={p.echo ? undefined : p.id}
      data-kind={p.echo ? undefined : p.kind}
      x1={p.x1}
      y1={p.y1}
      x2={p.x2}
      y2={p.y2}
      strokeWidth={s.width}
      strokeDasharray={s.dash}
      strokeLinecap={p.kind === 'proxy' ? 'round' : 'butt'}
      // stroke-opacity, not opacity: an opacity makes an effect of its own for the compositor to deal with.
      className={`${s.className} ${p.dimmed ? '[stroke-opacity:0.4]' : ''}`}
    />
  );
});
