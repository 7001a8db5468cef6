'use client';

import type { NodeRef } from '@/lib/topology/types';
import { containerName, hostPort } from '@/lib/snapshot/names';
import { Empty, Fields, Mono, NodeLink, Section, type DetailsContext } from './parts';

type PortRef = Extract<NodeRef, { type: 'port' }>;

export function PortDetails({ ctx, port }: { ctx: DetailsContext; port: PortRef }) {
  const c = ctx.idx.containers.get(port.containerId);
  const binding = c?.ports.find((p) => p.hostIp === port.hostIp && p.hostPort === port.hostPort && p.protocol === port.protocol);
  const proxies = ctx.idx.proxies.filter((p) => p.hostIp === port.hostIp && p.hostPort === port.hostPort && p.protocol === port.protocol);
  return (
    <div className="space-y-4">
      <Section title="Published port">
        <Fields
          rows={[
            ['host', <Mono key="h">{hostPort(port.hostIp, port.hostPort)}</Mono>],
            ['protocol', port.protocol],
            ['container port', binding ? String(binding.containerPort) : null],
            [
              'container',
              <NodeLink key="c" ctx={ctx} target={{ type: 'container', containerId: port.containerId }}>
                {containerName(ctx.snapshot, port.containerId)}
              </NodeLink>,
            ],
          ]}
        />
      </Section>
      <Section title="docker-proxy">
        {proxies.length === 0 ? (
          <Empty>No docker-proxy process serves this binding.</Empty>
        ) : (
          <ul className="space-y-0.5 text-sm">
            {proxies.map((p) => (
              <li key={p.pid}>
                <NodeLink ctx={ctx} target={{ type: 'proxy', pid: p.pid }}>
                  pid {p.pid}
                </NodeLink>{' '}
                <Mono>→ {hostPort(p.containerIp, p.containerPort)}</Mono>
              </li>
            ))}
          </ul>
        )}
      </Section>
    </div>
  );
}
