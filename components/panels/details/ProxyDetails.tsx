'use client';

import type { DockerProxy } from '@/lib/snapshot/schema';
import { containerName, hostPort } from '@/lib/snapshot/names';
import { Fields, Mono, NodeLink, Section, type DetailsContext } from './parts';

export function ProxyDetails({ ctx, proxy: p }: { ctx: DetailsContext; proxy: DockerProxy }) {
  const cid = p.containerId;
  const binding = cid ? { type: 'port' as const, containerId: cid, hostIp: p.hostIp, hostPort: p.hostPort, protocol: p.protocol } : null;
  return (
    <Section title="docker-proxy">
      <Fields
        rows={[
          ['pid', String(p.pid)],
          ['protocol', p.protocol],
          [
            'listens on',
            binding ? (
              <NodeLink key="l" ctx={ctx} target={binding}>
                <Mono>{hostPort(p.hostIp, p.hostPort)}</Mono>
              </NodeLink>
            ) : (
              <Mono key="l">{hostPort(p.hostIp, p.hostPort)}</Mono>
            ),
          ],
          ['forwards to', <Mono key="f">{hostPort(p.containerIp, p.containerPort)}</Mono>],
          [
            'container',
            cid && (
              <NodeLink key="c" ctx={ctx} target={{ type: 'container', containerId: cid }}>
                {containerName(ctx.snapshot, cid)}
              </NodeLink>
            ),
          ],
        ]}
      />
    </Section>
  );
}
