'use client';

import { useCallback, useEffect, useRef, type RefObject } from 'react';
import { select } from 'd3-selection';
import 'd3-transition'; // adds selection.transition()
import { zoom, zoomIdentity, zoomTransform, type D3ZoomEvent, type ZoomBehavior } from 'd3-zoom';
import { fitView, SCALE_EXTENT } from '@/lib/topology/fit';
import type { Box } from '@/lib/topology/types';
import { ZOOM_TIERS } from './styles';


const duration = () => (typeof window !== 'undefined' && window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ? 0 : 250);

export interface PanZoom {
  zoomBy: (factor: number) => void;
  /** Zoom to show `bounds`; with `minScale`, never below it (then the top-left of bounds is shown, readable). */
  fit: (bounds: Box, opts?: { minScale?: number }) => boolean;
  /** Pan (keeping the scale) to centre `box`, unless it is already fully in view; with `zoomOut`, also zoom out
   * as far as needed for all of it to fit (never in). */
  reveal: (box: Box, opts?: { zoomOut?: boolean }) => void;
  /** Pan by screen pixels (keyboard panning). */
  panBy: (dx: number, dy: number) => void;
  /** True while the user drags or wheels, so hover changes can wait. */
  interacting: RefObject<boolean>;
}

/**
 * d3-zoom on the <svg>, writing the transform straight onto the <g>: panning never goes through React state, so the
 * thousands of node elements are not re-rendered per frame.
 */
export function usePanZoom(svgRef: RefObject<SVGSVGElement | null>, gRef: RefObject<SVGGElement | null>): PanZoom {
  const behaviour = useRef<ZoomBehavior<SVGSVGElement, unknown> | null>(null);
  const interacting = useRef(false);

  useEffect(() => {
    const svg = svgRef.current;
    const g = gRef.current;
    if (!svg || !g) return;
    const z = zoom<SVGSVGElement, unknown>()
      .scaleExtent(SCALE_EXTENT)
      .on('start', (e: D3ZoomEvent<SVGSVGElement, unknown>) => {
        interacting.current = e.sourceEvent !== null && e.sourceEvent !== undefined;
      })
      .on('zoom', (e: D3ZoomEvent<SVGSVGElement, unknown>) => {
        g.setAttribute('transform', e.transform.toString());
        zoomTiers(svg, e.transform.k);
      })
      .on('end', () => {
        interacting.current = false;
      });
    const sel = select(svg);
    // Double-click is left to nodes; zoom has its own buttons and the wheel.
    sel.call(z).on('dblclick.zoom', null);
    // Re-apply whatever transform the svg already carries (e.g. after a hot reload remounted the effect).
    g.setAttribute('transform', zoomTransform(svg).toString());
    zoomTiers(svg, zoomTransform(svg).k);
    behaviour.current = z;
    return () => {
      sel.on('.zoom', null);
      behaviour.current = null;
    };
  }, [svgRef, gRef]);

  const zoomBy = useCallback(
    (factor: number) => {
      const svg = svgRef.current;
      const z = behaviour.current;
      if (svg && z) select(svg).transition().duration(duration()).call(z.scaleBy, factor);
    },
    [svgRef],
  );

  const fit = useCallback(
    (b: Box, opts: { minScale?: number } = {}) => {
      const svg = svgRef.current;
      const z = behaviour.current;
      if (!svg || !z) return false;
      const { width, height } = svg.getBoundingClientRect();
      if (width === 0 || height === 0) return false;
      const v = fitView(b, width, height, opts);
      const t = zoomIdentity.translate(v.x, v.y).scale(v.k);
      select(svg).transition().duration(duration()).call(z.transform, t);
      return true;
    },
    [svgRef],
  );

  const reveal = useCallback(
    (b: Box, opts: { zoomOut?: boolean } = {}) => {
      const svg = svgRef.current;
      const z = behaviour.current;
      if (!svg || !z) return;
      const { width, height } = svg.getBoundingClientRect();
      const t = zoomTransform(svg);
      const [x0, y0] = t.apply([b.x, b.y]);
      const [x1, y1] = t.apply([b.x + b.w, b.y + b.h]);
      if (x0 >= 0 && y0 >= 0 && x1 <= width && y1 <= height) return;
      const k = opts.zoomOut && width > 0 && height > 0 ? Math.min(t.k, fitView(b, width, height).k) : t.k;
      const next = zoomIdentity.translate(width / 2 - k * (b.x + b.w / 2), height / 2 - k * (b.y + b.h / 2)).scale(k);
      select(svg).transition().duration(duration()).call(z.transform, next);
    },
    [svgRef],
  );

  const panBy = useCallback(
    (dx: number, dy: number) => {
      const svg = svgRef.current;
      const z = behaviour.current;
      // translateBy works in layout units; divide by the scale so a key press moves the same distance on screen.
      if (svg && z) select(svg).transition().duration(duration() / 2).call(z.translateBy, dx / zoomTransform(svg).k, dy / zoomTransform(svg).k);
    },
    [svgRef],
  );

  return { zoomBy, fit, reveal, panBy, interacting };
}

export { boundsOf } from '@/lib/topology/fit';

/** Only on crossing a threshold: toggling restyles every label. */
function zoomTiers(svg: SVGSVGElement, k: number) {
  for (const { attr, below } of ZOOM_TIERS) if (k < below !== svg.hasAttribute(attr)) svg.toggleAttribute(attr, k < below);
}
