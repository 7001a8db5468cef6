'use client';

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Snapshot } from '@/lib/snapshot/schema';
import { buildGraph } from '@/lib/topology/build';
import { layoutGraph } from '@/lib/topology/layout';
import { collapseProjects, type Project, projectsOf } from '@/lib/topology/projects';
import type { Graph, Layout } from '@/lib/topology/types';

export interface Topology {
  graph: Graph | null;
  layout: Layout | null;
  /** Compose projects of the snapshot, and which of them are drawn expanded (the others are one node each). */
  projects: Project[];
  expanded: ReadonlySet<string>;
  toggleProject: (name: string) => void;
}

/**
 * Graph and layout for a snapshot; each layout starts from the previous one so nodes that stay keep their place.
 * Compose projects start folded (a busy host opens on groups, not on every box) and unfold on demand.
 * `structureKey`, when given, changes only when the structure does: the graph reads no counters, so while only
 * counters move (most live revisions) graph, projects and layout are kept instead of rebuilt every second.
 */
export function useTopology(snapshot: Snapshot | null, selectedId: string | null = null, structureKey?: string): Topology {
  const key = structureKey ?? snapshot;
  // The snapshot is read when the key changes; a later one with the same key has the same structure.
  const full = useMemo(() => (snapshot ? buildGraph(snapshot) : null), [key, snapshot === null]);
  const projects = useMemo(() => (snapshot ? projectsOf(snapshot) : []), [key, snapshot === null]);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());
  // A selected container (a link, a search) is drawn even when its project is folded.
  const shownOpen = useMemo(() => {
    const owner = projects.find((p) => p.containerIds.some((id) => `ctr:${id}` === selectedId));
    return owner && !expanded.has(owner.name) ? new Set([...expanded, owner.name]) : expanded;
  }, [projects, expanded, selectedId]);
  const graph = useMemo(() => (full ? collapseProjects(full, projects, shownOpen) : null), [full, projects, shownOpen]);
  const previous = useRef<Layout | undefined>(undefined);
  // Reading the ref during render is deliberate: the previous layout is an input to this one.
  const layout = useMemo(() => (graph ? layoutGraph(graph, previous.current) : null), [graph]);
  useEffect(() => {
    if (layout) previous.current = layout;
  }, [layout]);
  const toggleProject = useCallback((name: string) => {
    setExpanded((old) => {
      const next = new Set(old);
      if (!next.delete(name)) next.add(name);
      return next;
    });
  }, []);
  return { graph, layout, projects, expanded: shownOpen, toggleProject };
}
