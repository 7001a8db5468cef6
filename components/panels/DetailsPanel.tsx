'use client';

import { memo, useMemo, type ReactNode } from 'react';
import type { Snapshot } from '@/lib/snapshot/schema';
import { interfaceId } from '@/lib/snapshot/schema';
import type { Graph, GraphNode, NodeRef } from '@/lib/topology/types';
import { ContainerDetails } from './details/ContainerDetails';
import { InterfaceDetails } from './details/InterfaceDetails';
import { NamespaceDetails } from './details/NamespaceDetails';
import { Empty, Section, type DetailsContext } from './details/parts';
import { PortDetails } from './details/PortDetails';
import { ProxyDetails } from './details/ProxyDetails';
import { indexNodesByRef, indexSnapshot } from './snapshot-index';

export interface DetailsPanelProps {
  snapshot: Snapshot;
  graph: Graph;
  node: GraphNode | null;
  onSelect: (id: string) => void;
}

/** Everything the snapshot knows about the selected node, found through `node.ref`. */
export const DetailsPanel = memo(function DetailsPanel({ snapshot, graph, node, onSelect }: DetailsPanelProps) {
  const idx = useMemo(() => indexSnapshot(snapshot), [snapshot]);
  const nodeByRef = useMemo(() => indexNodesByRef(graph), [graph]);
  const ctx: DetailsContext = useMemo(() => ({ snapshot, idx, nodeByRef, onSelect }), [snapshot, idx, nodeByRef, onSelect]);

  return (
    <div data-testid="details-panel" className="space-y-4 p-4">
      {node ? (
        <>
          <header>
            <p className="text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">{node.kind}</p>
            <h2 className="font-mono text-lg font-semibold break-all">{node.label}</h2>
            {node.detail && <p className="text-sm text-slate-600 dark:text-slate-300">{node.detail}</p>}
          </header>
          {body(ctx, node.ref)}
          <Problems snapshot={snapshot} subject={subjectOf(node.ref)} />
        </>
      ) : (
        <Empty>Select something in the graph (or search for it) to see everything netatlas knows about it.</Empty>
      )}
    </div>
  );
});

function body(ctx: DetailsContext, ref: NodeRef): ReactNode {
  const missing = <Empty>It is not in the current snapshot.</Empty>;
  switch (ref.type) {
    case 'interface': {
      const iface = ctx.idx.interfaces.get(interfaceId(ref.namespaceId, ref.ifindex));
      return iface ? <InterfaceDetails ctx={ctx} iface={iface} /> : missing;
    }
    case 'namespace': {
      const ns = ctx.idx.namespaces.get(ref.namespaceId);
      return ns ? <NamespaceDetails ctx={ctx} ns={ns} /> : missing;
    }
    case 'container': {
      const c = ctx.idx.containers.get(ref.containerId);
      return c ? <ContainerDetails ctx={ctx} container={c} /> : missing;
    }
    case 'port':
      return <PortDetails ctx={ctx} port={ref} />;
    case 'proxy': {
      const p = ctx.idx.proxies.find((x) => x.pid === ref.pid);
      return p ? <ProxyDetails ctx={ctx} proxy={p} /> : missing;
    }
    case 'project':
      return ref.network ? (
        <p className="text-sm">
          The containers of no compose project on network {ref.network}, folded into one node (a busy host opens on groups): click it in the
          graph, or its toggle in the toolbar, to draw them.
        </p>
      ) : (
        <p className="text-sm">Compose project {ref.name}, folded into one node: click it in the graph, or its toggle in the toolbar, to draw its containers.</p>
      );
  }
}

/** The `problems[].subject` a node would be named by, if any. */
function subjectOf(ref: NodeRef): string | null {
  switch (ref.type) {
    case 'interface':
      return interfaceId(ref.namespaceId, ref.ifindex);
    case 'namespace':
      return ref.namespaceId;
    case 'container':
      return ref.containerId;
    default:
      return null;
  }
}

function Problems({ snapshot, subject }: { snapshot: Snapshot; subject: string | null }) {
  const problems = subject ? snapshot.host.problems.filter((p) => p.subject === subject) : [];
  if (problems.length === 0) return null;
  return (
    <Section title="Problems">
      <ul className="space-y-1 text-sm">
        {problems.map((p, i) => (
          <li key={i} className={p.severity === 'error' ? 'text-red-700 dark:text-red-400' : 'text-amber-700 dark:text-amber-400'}>
            [{p.severity}] {p.source}: {p.message}
          </li>
        ))}
      </ul>
    </Section>
  );
}
