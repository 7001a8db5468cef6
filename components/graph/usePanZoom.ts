'use client';

import { useCallback, useEffect, useRef, type RefObject } from 'react';
import { select } from 'd3-selection';
import 'd3-transition'; // adds selection.transition()
import { zoom, zoomIdentity, zoomTransform, type D3ZoomEvent, type ZoomBehavior, type ZoomTransform } from 'd3-zoom';
import { fitView, SCALE_EXTENT } from '@/lib/topology/fit';
import type { Box } from '@/lib/topology/types';
import { ZOOM_TIERS } from '@/lib/topology/labels';


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
 * d3-zoom on `surface` (an element that never moves), the picture drawn in `svg` under `g`.
 *
 * While a gesture or a transition runs, only the <svg>'s CSS transform changes: the <svg> is a compositor layer
 * (will-change), so a frame moves and scales the pixels already drawn — no layout, paint or raster of the
 * thousands of elements inside. Writing the transform onto the <g> instead costs a full repaint per pan frame, and
 * per zoom frame the layout of every SVG text too (Chrome lays text out at its scale on screen). When the movement
 * ends the view is committed: the transform goes onto the <g>, the <svg>'s is cleared (one crisp repaint), and the
 * semantic-zoom tiers are switched — never per frame. `data-moving` on the <svg> says a view is not committed yet.
 */
export function usePanZoom(surfaceRef: RefObject<HTMLElement | null>, svgRef: RefObject<SVGSVGElement | null>, gRef: RefObject<SVGGElement | null>): PanZoom {
  const behaviour = useRef<ZoomBehavior<HTMLElement, unknown> | null>(null);
  const interacting = useRef(false);

  useEffect(() => {
    const surface = surfaceRef.current;
    const svg = svgRef.current;
    const g = gRef.current;
    if (!surface || !svg || !g) return;
    // What the <g> carries; the <svg>'s CSS transform maps it to the live view while moving.
    let drawn: ZoomTransform = zoomTransform(surface);
    const commit = (t: ZoomTransform) => {
      drawn = t;
      g.setAttribute('transform', t.toString());
      svg.style.transform = '';
      svg.removeAttribute('data-moving');
      zoomTiers(svg, t.k);
    };
    const z = zoom<HTMLElement, unknown>()
      .scaleExtent(SCALE_EXTENT)
      .on('start', (e: D3ZoomEvent<HTMLElement, unknown>) => {
        interacting.current = e.sourceEvent !== null && e.sourceEvent !== undefined;
        svg.setAttribute('data-moving', '');
      })
      .on('zoom', (e: D3ZoomEvent<HTMLElement, unknown>) => {
        // live = relative ∘ drawn, so relative = scale s = k/k₀ and a translation of x − s·x₀.
        const t = e.transform;
        const s = t.k / drawn.k;
        svg.style.transform = `translate(${t.x - s * drawn.x}px, ${t.y - s * drawn.y}px) scale(${s})`;
      })
      .on('end', () => {
        interacting.current = false;
        commit(zoomTransform(surface));
      });
    const sel = select(surface);
    // Double-click is left to nodes; zoom has its own buttons and the wheel.
    sel.call(z).on('dblclick.zoom', null);
    // Re-apply whatever transform the surface already carries (e.g. after a hot reload remounted the effect).
    commit(drawn);
    behaviour.current = z;
    return () => {
      sel.on('.zoom', null);
      behaviour.current = null;
    };
  }, [surfaceRef, svgRef, gRef]);

  const zoomBy = useCallback(
    (factor: number) => {
      const surface = surfaceRef.current;
      const z = behaviour.current;
      if (surface && z) select(surface).transition().duration(duration()).call(z.scaleBy, factor);
    },
    [surfaceRef],
  );

  const fit = useCallback(
    (b: Box, opts: { minScale?: number } = {}) => {
      const surface = surfaceRef.current;
      const z = behaviour.current;
      if (!surface || !z) return false;
      const { width, height } = surface.getBoundingClientRect();
      if (width === 0 || height === 0) return false;
      const v = fitView(b, width, height, opts);
      const t = zoomIdentity.translate(v.x, v.y).scale(v.k);
      select(surface).transition().duration(duration()).call(z.transform, t);
      return true;
    },
    [surfaceRef],
  );

  const reveal = useCallback(
    (b: Box, opts: { zoomOut?: boolean } = {}) => {
      const surface = surfaceRef.current;
      const z = behaviour.current;
      if (!surface || !z) return;
      const { width, height } = surface.getBoundingClientRect();
      const t = zoomTransform(surface);
      const [x0, y0] = t.apply([b.x, b.y]);
      const [x1, y1] = t.apply([b.x + b.w, b.y + b.h]);
      if (x0 >= 0 && y0 >= 0 && x1 <= width && y1 <= height) return;
      const k = opts.zoomOut && width > 0 && height > 0 ? Math.min(t.k, fitView(b, width, height).k) : t.k;
      const next = zoomIdentity.translate(width / 2 - k * (b.x + b.w / 2), height / 2 - k * (b.y + b.h / 2)).scale(k);
      select(surface).transition().duration(duration()).call(z.transform, next);
    },
    [surfaceRef],
  );

  const panBy = useCallback(
    (dx: number, dy: number) => {
      const surface = surfaceRef.current;
      const z = behaviour.current;
      // translateBy works in layout units; divide by the scale so a key press moves the same distance on screen.
      if (surface && z) select(surface).transition().duration(duration() / 2).call(z.translateBy, dx / zoomTransform(surface).k, dy / zoomTransform(surface).k);
    },
    [surfaceRef],
  );

  return { zoomBy, fit, reveal, panBy, interacting };
}

export { boundsOf } from '@/lib/topology/fit';

/** Only on crossing a threshold: toggling restyles every label. */
function zoomTiers(svg: SVGSVGElement, k: number) {
  for (const { attr, below } of ZOOM_TIERS) if (k < below !== svg.hasAttribute(attr)) svg.toggleAttribute(attr, k < below);
}
