'use client';

import { useEffect, useMemo, useRef } from 'react';
import type { Snapshot } from '@/lib/snapshot/schema';
import { buildGraph } from '@/lib/topology/build';
import { layoutGraph } from '@/lib/topology/layout';
import type { Graph, Layout } from '@/lib/topology/types';

/**
 * Graph and layout for a snapshot; each layout starts from the previous one so nodes that stay keep their place.
 * `structureKey`, when given, changes only when the structure does: the graph reads no counters, so while only
 * counters move (most live revisions) graph and layout are kept instead of rebuilt every second.
 */
export function useTopology(snapshot: Snapshot | null, structureKey?: string): { graph: Graph | null; layout: Layout | null } {
  const key = structureKey ?? snapshot;
  // The snapshot is read when the key changes; a later one with the same key has the same structure.
  const graph = useMemo(() => (snapshot ? buildGraph(snapshot) : null), [key, snapshot === null]);
  const previous = useRef<Layout | undefined>(undefined);
  // Reading the ref during render is deliberate: the previous layout is an input to this one.
  const layout = useMemo(() => (graph ? layoutGraph(graph, previous.current) : null), [graph]);
  useEffect(() => {
    if (layout) previous.current = layout;
  }, [layout]);
  return { graph, layout };
}
