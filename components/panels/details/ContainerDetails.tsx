'use client';

import { EMBEDDED_DNS } from '@/lib/dns/resolve';
import { lowerMode } from '@/lib/docker/map';
import type { Container, Endpoint } from '@/lib/snapshot/schema';
import { containerName, hostPort, namespaceLabel, shortId } from '@/lib/snapshot/names';
import { Empty, Fields, Mono, NodeLink, Section, type DetailsContext } from './parts';

export function ContainerDetails({ ctx, container: c }: { ctx: DetailsContext; container: Container }) {
  const shared = c.networkMode.kind === 'container' ? c.networkMode.sharedWith : null;
  return (
    <div className="space-y-4">
      <Section title="Container">
        <Fields
          rows={[
            ['name', <Mono key="n">{c.name}</Mono>],
            ['id', <Mono key="i">{shortId(c.id)}</Mono>],
            ['image', <Mono key="im">{c.image}</Mono>],
            ['state', c.state],
            [
              'network mode',
              shared ? (
                <span key="m">
                  container:
                  <NodeLink ctx={ctx} target={{ type: 'container', containerId: shared }}>
                    {containerName(ctx.snapshot, shared)}
                  </NodeLink>
                </span>
              ) : (
                <Mono key="m">{c.networkMode.raw || c.networkMode.kind}</Mono>
              ),
            ],
            [
              'namespace',
              c.namespaceId && (
                <NodeLink key="ns" ctx={ctx} target={{ type: 'namespace', namespaceId: c.namespaceId }}>
                  {namespaceLabel(ctx.snapshot, c.namespaceId)}
                </NodeLink>
              ),
            ],
            ['PID', c.pid === null ? null : String(c.pid)],
            ['sandbox', c.sandboxKey && <Mono key="sb">{c.sandboxKey}</Mono>],
            ['compose project', c.composeProject],
            ['compose service', c.composeService],
            ['swarm service', c.swarm?.serviceName ?? null],
            ['swarm task', c.swarm ? (c.swarm.taskName ?? c.swarm.taskId) : null],
          ]}
        />
      </Section>
      <Section title={`Networks (${c.endpoints.length})`}>
        {c.endpoints.length === 0 ? (
          <Empty>{shared ? 'Shares the network of another container.' : 'Not attached to any network.'}</Empty>
        ) : (
          c.endpoints.map((e) => <EndpointFields key={e.endpointId || e.networkId} ctx={ctx} e={e} />)
        )}
      </Section>
      <DnsSection c={c} />
      <Section title={`Published ports (${c.ports.length})`}>
        {c.ports.length === 0 ? (
          <Empty>none</Empty>
        ) : (
          <ul className="space-y-0.5 text-sm">
            {c.ports.map((p) => (
              <li key={`${p.hostIp}|${p.hostPort}|${p.protocol}`}>
                <NodeLink ctx={ctx} target={{ type: 'port', containerId: c.id, hostIp: p.hostIp, hostPort: p.hostPort, protocol: p.protocol }}>
                  <Mono>
                    {hostPort(p.hostIp, p.hostPort)} → {p.containerPort}/{p.protocol}
                  </Mono>
                </NodeLink>
              </li>
            ))}
          </ul>
        )}
      </Section>
    </div>
  );
}

function EndpointFields({ ctx, e }: { ctx: DetailsContext; e: Endpoint }) {
  const net = ctx.snapshot.docker?.networks.find((n) => n.id === e.networkId);
  const mode = net ? lowerMode(net) : null;
  const lower = net && mode && net.options.parent ? { parent: net.options.parent, mode } : null;
  const ci = e.containerInterface;
  const hi = e.hostInterface;
  return (
    <div className="rounded border border-slate-200 p-2 dark:border-slate-700">
      <Fields
        rows={[
          ['network', <Mono key="n">{e.networkName}</Mono>],
          ['driver', e.driver],
          ['parent', lower && <ParentLink key="p" ctx={ctx} name={lower.parent} mode={lower.mode} />],
          ['IPv4', e.ipv4 && <Mono key="4">{e.ipv4PrefixLen === null ? e.ipv4 : `${e.ipv4}/${e.ipv4PrefixLen}`}</Mono>],
          ['IPv6', e.ipv6 && <Mono key="6">{e.ipv6PrefixLen === null ? e.ipv6 : `${e.ipv6}/${e.ipv6PrefixLen}`}</Mono>],
          ['MAC', e.mac && <Mono key="m">{e.mac}</Mono>],
          ['gateway', e.gateway && <Mono key="g">{e.gateway}</Mono>],
          ['IPv6 gateway', e.ipv6Gateway && <Mono key="g6">{e.ipv6Gateway}</Mono>],
          ['aliases', e.aliases.join(', ')],
          [
            'interface',
            ci && (
              <NodeLink key="ci" ctx={ctx} target={{ type: 'interface', namespaceId: ci.namespaceId, ifindex: ci.ifindex }}>
                <Mono>{ci.name}</Mono>
              </NodeLink>
            ),
          ],
          [
            'host veth',
            hi && (
              <NodeLink key="hi" ctx={ctx} target={{ type: 'interface', namespaceId: hi.namespaceId, ifindex: hi.ifindex }}>
                <Mono>{hi.name}</Mono>
              </NodeLink>
            ),
          ],
          ['bridge', e.bridge && <BridgeLink key="b" ctx={ctx} name={e.bridge} nsId={hi?.namespaceId ?? null} />],
        ]}
      />
    </div>
  );
}

/** A macvlan/ipvlan endpoint's parent in the host, and the mode (the host cannot reach the child through it). */
function ParentLink({ ctx, name, mode }: { ctx: DetailsContext; name: string; mode: string }) {
  const host = [...ctx.idx.namespaces.values()].find((n) => n.kind === 'host');
  const ifc = host?.interfaces.find((i) => i.name === name);
  const text = <Mono>{`${name} (mode ${mode})`}</Mono>;
  return ifc ? (
    <NodeLink ctx={ctx} target={{ type: 'interface', namespaceId: ifc.namespaceId, ifindex: ifc.ifindex }}>
      {text}
    </NodeLink>
  ) : (
    text
  );
}

function BridgeLink({ ctx, name, nsId }: { ctx: DetailsContext; name: string; nsId: string | null }) {
  const ns = nsId ? ctx.idx.namespaces.get(nsId) : [...ctx.idx.namespaces.values()].find((n) => n.kind === 'host');
  const br = ns?.interfaces.find((i) => i.name === name);
  if (!br) return <Mono>{name}</Mono>;
  return (
    <NodeLink ctx={ctx} target={{ type: 'interface', namespaceId: br.namespaceId, ifindex: br.ifindex }}>
      <Mono>{name}</Mono>
    </NodeLink>
  );
}

/** What the container resolves with: its resolv.conf, the extra /etc/hosts lines, and whether Docker's DNS answers. */
function DnsSection({ c }: { c: Container }) {
  const d = c.dns;
  if (!d) return null;
  const embedded = d.nameservers.includes(EMBEDDED_DNS);
  return (
    <Section title="DNS">
      <div data-testid="container-dns" className="space-y-1.5">
        <Fields
          rows={[
            ['nameservers', d.nameservers.length ? <Mono key="ns">{d.nameservers.join(', ')}</Mono> : 'none'],
            ['search', d.search.length ? <Mono key="s">{d.search.join(' ')}</Mono> : null],
            ['options', d.options.length ? <Mono key="o">{d.options.join(' ')}</Mono> : null],
            [
              'container names',
              embedded
                ? `resolved by Docker's embedded DNS (${EMBEDDED_DNS}) on ${c.endpoints.map((e) => e.networkName).filter((n) => n !== 'bridge').join(', ') || 'its networks'}`
                : 'not resolved: no embedded DNS (default bridge or host network); only /etc/hosts entries',
            ],
          ]}
        />
        {d.extraHosts.length > 0 && (
          <ul className="space-y-0.5 text-sm" aria-label="extra /etc/hosts entries">
            {d.extraHosts.map((h) => (
              <li key={`${h.address} ${h.names.join(' ')}`}>
                <Mono>
                  {h.address} {h.names.join(' ')}
                </Mono>
              </li>
            ))}
          </ul>
        )}
        {d.problems.map((p) => (
          <p key={p} className="text-sm text-amber-700 dark:text-amber-300">
            {p}
          </p>
        ))}
      </div>
    </Section>
  );
}
