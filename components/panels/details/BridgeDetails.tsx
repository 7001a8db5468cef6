'use client';

import type { Interface } from '@/lib/snapshot/schema';
import { namespaceLabel, shortId } from '@/lib/snapshot/names';
import { Empty, Fields, Mono, NodeLink, Section, yesNo, type DetailsContext } from './parts';

/** The bridge-only part: STP, the Docker network(s) it carries, and its ports. */
export function BridgeDetails({ ctx, bridge }: { ctx: DetailsContext; bridge: Interface }) {
  const ns = ctx.idx.namespaces.get(bridge.namespaceId);
  // Docker names bridges in the host namespace only; a same-named bridge elsewhere is not Docker's.
  const networks = ns?.kind === 'host' ? ctx.idx.networks.filter((n) => n.bridge === bridge.name) : [];
  const enslaved = ns?.interfaces.filter((i) => i.master === bridge.name) ?? [];
  // Ports the bridge lists that we could not see as interfaces (e.g. a namespace read failed) are still shown.
  const unseen = (bridge.bridge?.ports ?? []).filter((p) => !enslaved.some((i) => i.name === p));
  return (
    <>
      <Section title="Bridge">
        <Fields
          rows={[
            ['STP', yesNo(bridge.bridge?.stp ?? null)],
            ['VLAN filtering', yesNo(bridge.bridge?.vlanFiltering ?? null)],
            ['MTU', String(bridge.mtu)],
            ['state', bridge.operstate],
          ]}
        />
      </Section>
      <Section title={`Docker network${networks.length === 1 ? '' : 's'}`}>
        {networks.length === 0 ? (
          <Empty>No Docker network uses this bridge.</Empty>
        ) : (
          networks.map((n) => (
            <Fields
              key={n.id}
              rows={[
                ['name', <Mono key="n">{n.name}</Mono>],
                ['id', <Mono key="i">{shortId(n.id)}</Mono>],
                ['driver', n.driver],
                [
                  'subnets',
                  n.subnets
                    .map((s) => [s.subnet, s.gateway && `gateway ${s.gateway}`, s.ipRange && `range ${s.ipRange}`].filter(Boolean).join(', '))
                    .join('; '),
                ],
                ['internal', yesNo(n.internal)],
                ['ICC', yesNo(n.icc)],
                ['masquerade', yesNo(n.masquerade)],
                ['IPv6', yesNo(n.ipv6)],
                ['compose project', n.composeProject],
              ]}
            />
          ))
        )}
      </Section>
      <Section title={`Ports (${enslaved.length + unseen.length})`}>
        {enslaved.length + unseen.length === 0 ? (
          <Empty>No interfaces are attached.</Empty>
        ) : (
          <ul className="space-y-0.5 text-sm">
            {enslaved.map((p) => (
              <li key={p.id}>
                <NodeLink ctx={ctx} target={{ type: 'interface', namespaceId: p.namespaceId, ifindex: p.ifindex }}>
                  <Mono>{p.name}</Mono>
                </NodeLink>{' '}
                <span className="text-slate-500 dark:text-slate-400">
                  {p.peer ? `→ ${namespaceLabel(ctx.snapshot, p.peer.namespaceId)} · ` : ''}
                  {p.operstate}
                </span>
              </li>
            ))}
            {unseen.map((name) => (
              <li key={`unseen-${name}`}>
                <Mono>{name}</Mono> <span className="text-slate-500 dark:text-slate-400">(not read)</span>
              </li>
            ))}
          </ul>
        )}
      </Section>
    </>
  );
}
