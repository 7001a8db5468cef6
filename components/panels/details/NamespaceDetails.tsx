'use client';

import type { Namespace, Route } from '@/lib/snapshot/schema';
import { namespaceContainers } from '@/lib/snapshot/names';
import { formatAddress } from '../snapshot-index';
import { Empty, Fields, Mono, NodeLink, Section, type DetailsContext } from './parts';

export function NamespaceDetails({ ctx, ns }: { ctx: DetailsContext; ns: Namespace }) {
  const containers = namespaceContainers(ctx.snapshot, ns.id);
  return (
    <div className="space-y-4">
      <Section title="Namespace">
        <Fields
          rows={[
            ['kind', ns.kind],
            ['name', ns.name && <Mono key="n">{ns.name}</Mono>],
            ['path', ns.path && <Mono key="p">{ns.path}</Mono>],
            ['inode', String(ns.inode)],
          ]}
        />
      </Section>
      <Section title={`Containers (${containers.length})`}>
        {containers.length === 0 ? (
          <Empty>none</Empty>
        ) : (
          <ul className="space-y-0.5 text-sm">
            {containers.map((c) => (
              <li key={c.id}>
                <NodeLink ctx={ctx} target={{ type: 'container', containerId: c.id }}>
                  {c.name}
                </NodeLink>
              </li>
            ))}
          </ul>
        )}
      </Section>
      <Section title={`Interfaces (${ns.interfaces.length})`}>
        <ul className="space-y-1 text-sm">
          {ns.interfaces.map((i) => (
            <li key={i.id}>
              <NodeLink ctx={ctx} target={{ type: 'interface', namespaceId: ns.id, ifindex: i.ifindex }}>
                <Mono>{i.name}</Mono>
              </NodeLink>{' '}
              <span className="text-slate-500 dark:text-slate-400">
                {i.kind} · {i.operstate}
              </span>
              {i.addresses.length > 0 && (
                <div className="pl-3">
                  <Mono>{i.addresses.map(formatAddress).join('  ')}</Mono>
                </div>
              )}
            </li>
          ))}
        </ul>
      </Section>
      <Section title="Routes (table main)">
        {ns.routes.length === 0 ? <Empty>none</Empty> : <RouteTable routes={ns.routes} />}
      </Section>
    </div>
  );
}

function RouteTable({ routes }: { routes: Route[] }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left font-mono text-[0.75rem]">
        <thead className="text-slate-500 dark:text-slate-400">
          <tr>
            {['destination', 'via', 'dev', 'proto', 'scope', 'src', 'metric'].map((h) => (
              <th key={h} scope="col" className="pr-2 font-normal">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {routes.map((r, i) => (
            <tr key={i} className="border-t border-slate-100 align-top dark:border-slate-800">
              <td className="pr-2">{r.type && r.type !== 'unicast' ? `${r.type} ${r.dst}` : r.dst}</td>
              <td className="pr-2">{r.gateway ?? ''}</td>
              <td className="pr-2">{r.dev ?? ''}</td>
              <td className="pr-2">{r.protocol ?? ''}</td>
              <td className="pr-2">{r.scope ?? ''}</td>
              <td className="pr-2">{r.prefsrc ?? ''}</td>
              <td>{r.metric ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
