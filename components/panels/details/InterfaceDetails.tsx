'use client';

import type { Interface } from '@/lib/snapshot/schema';
import { subnetOf } from '@/lib/net/cidr';
import { formatAddress } from '../snapshot-index';
import { namespaceLabel } from '@/lib/snapshot/names';
import { BridgeDetails } from './BridgeDetails';
import { Empty, Fields, Mono, NodeLink, Section, type DetailsContext } from './parts';

export function InterfaceDetails({ ctx, iface }: { ctx: DetailsContext; iface: Interface }) {
  const ns = ctx.idx.namespaces.get(iface.namespaceId);
  const master = iface.master ? ns?.interfaces.find((i) => i.name === iface.master) : undefined;
  return (
    <div className="space-y-4">
      <Section title="Interface">
        <Fields
          rows={[
            ['name', <Mono key="n">{iface.name}</Mono>],
            ['kind', iface.linkKind && iface.linkKind !== iface.kind ? `${iface.kind} (${iface.linkKind})` : iface.kind],
            ['namespace', <NodeLink key="ns" ctx={ctx} target={{ type: 'namespace', namespaceId: iface.namespaceId }}>{namespaceLabel(ctx.snapshot, iface.namespaceId)}</NodeLink>],
            ['ifindex', String(iface.ifindex)],
            ['MAC', iface.mac && <Mono key="m">{iface.mac}</Mono>],
            ['MTU', String(iface.mtu)],
            ['operstate', iface.operstate],
            ['flags', iface.flags.join(', ')],
            ['parent', iface.parent && <Mono key="p">{iface.parent}</Mono>],
            [
              'peer',
              iface.peer && (
                <NodeLink key="peer" ctx={ctx} target={{ type: 'interface', namespaceId: iface.peer.namespaceId, ifindex: iface.peer.ifindex }}>
                  <Mono>{iface.peer.name}</Mono> in {namespaceLabel(ctx.snapshot, iface.peer.namespaceId)}
                </NodeLink>
              ),
            ],
            [
              'master',
              iface.master &&
                (master ? (
                  <NodeLink key="master" ctx={ctx} target={{ type: 'interface', namespaceId: master.namespaceId, ifindex: master.ifindex }}>
                    <Mono>{master.name}</Mono>
                  </NodeLink>
                ) : (
                  <Mono key="master">{iface.master}</Mono>
                )),
            ],
          ]}
        />
      </Section>
      <Section title="Addresses">
        {iface.addresses.length === 0 ? (
          <Empty>none</Empty>
        ) : (
          <ul className="space-y-0.5 text-sm">
            {iface.addresses.map((a) => (
              <li key={`${a.family}${a.address}/${a.prefixlen}`}>
                {iface.bridge && a.scope !== 'link' ? (
                  // A bridge's address is the gateway of the subnet behind it.
                  <>
                    subnet <Mono>{subnetOf(a.family, a.address, a.prefixlen) ?? formatAddress(a)}</Mono>, gateway <Mono>{a.address}</Mono>
                  </>
                ) : (
                  <Mono>{formatAddress(a)}</Mono>
                )}{' '}
                <span className="text-slate-500 dark:text-slate-400">
                  {a.family}
                  {a.scope ? `, scope ${a.scope}` : ''}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Section>
      {iface.kind === 'veth' && !iface.peer && <Empty>The other end of this veth pair was not found.</Empty>}
      {iface.bridge && <BridgeDetails ctx={ctx} bridge={iface} />}
    </div>
  );
}
