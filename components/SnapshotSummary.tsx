import type { Container, Interface, Snapshot } from '@/lib/snapshot/schema';
import { interfaceId } from '@/lib/snapshot/schema';
import { hostPort, joinNames, namespaceContainers, namespaceLabel } from '@/lib/snapshot/names';

/** A plain, server-rendered summary of a snapshot: the first page, until the live graph replaces it. */
export function SnapshotSummary({ snapshot: s }: { snapshot: Snapshot }) {
  const host = s.namespaces.find((n) => n.kind === 'host');
  const ifaces = new Map(s.namespaces.flatMap((n) => n.interfaces.map((i) => [i.id, i] as const)));
  const names = new Map((s.docker?.containers ?? []).map((c) => [c.id, c.name]));
  const bridges = host?.interfaces.filter((i) => i.kind === 'bridge') ?? [];
  const uplinks = host?.interfaces.filter((i) => i.kind === 'physical') ?? [];
  return (
    <main className="mx-auto max-w-6xl space-y-8 p-6">
      <header className="flex flex-wrap items-baseline justify-between gap-2 border-b border-slate-300 pb-3 dark:border-slate-700">
        <h1 className="text-2xl font-semibold">
          netatlas <span className="text-slate-500">· {s.host.hostname}</span>
        </h1>
        <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="docker-status">
          {s.host.docker.reachable ? `Docker ${s.host.docker.version} (API ${s.host.docker.apiVersion})` : 'Docker unreachable'} · iptables{' '}
          {s.host.iptables.active} · collected {s.host.collectedAt} in {s.host.collectionMs} ms
        </p>
      </header>

      {s.host.problems.length > 0 && (
        <Section title={`Problems (${s.host.problems.length})`}>
          <ul className="space-y-1 text-sm" data-testid="problems">
            {s.host.problems.map((p, i) => (
              <li key={i}>
                <span className={p.severity === 'error' ? 'text-red-600' : 'text-amber-600'}>[{p.severity}]</span> {p.source}: {p.message}
              </li>
            ))}
          </ul>
        </Section>
      )}

      <Section title="Uplinks">
        <Table head={['interface', 'state', 'MTU', 'addresses']} rows={uplinks.map((i) => [i.name, i.operstate, String(i.mtu), addrs(i)])} />
      </Section>

      <Section title="Bridges">
        <Table
          testId="bridges"
          head={['bridge', 'state', 'addresses', 'ports → where they lead']}
          rows={bridges.map((b) => [
            b.name,
            b.operstate,
            addrs(b),
            host!.interfaces
              .filter((p) => p.master === b.name)
              .map((p) => {
                const peer = p.peer ? ifaces.get(interfaceId(p.peer.namespaceId, p.peer.ifindex)) : undefined;
                return `${p.name} → ${p.peer ? namespaceLabel(s, p.peer.namespaceId) : '?'}${peer ? ` (${peer.name})` : ''}`;
              })
              .join(', ') || '(no ports)',
          ])}
        />
      </Section>

      {s.docker && (
        <Section title={`Containers (${s.docker.containers.length})`}>
          <Table
            testId="containers"
            head={['name', 'state', 'mode', 'networks', 'published']}
            rows={s.docker.containers.map((c) => [c.name, c.state, mode(c, names), nets(c), ports(c)])}
          />
        </Section>
      )}

      <Section title={`Network namespaces (${s.namespaces.length})`}>
        <Table
          head={['namespace', 'kind', 'containers', 'interfaces']}
          rows={s.namespaces.map((n) => [
            n.name ?? n.id,
            n.kind,
            joinNames(namespaceContainers(s, n.id).map((c) => c.name)) || '-',
            n.interfaces.map((i) => `${i.name}${i.addresses.length ? ` ${addrs(i)}` : ''}`).join(', '),
          ])}
        />
      </Section>
    </main>
  );
}

const addrs = (i: Interface) => i.addresses.filter((a) => a.scope !== 'link').map((a) => `${a.address}/${a.prefixlen}`).join(' ') || '-';
const mode = (c: Container, names: Map<string, string>) =>
  c.networkMode.kind === 'container' ? `container:${names.get(c.networkMode.sharedWith ?? '') ?? '?'}` : c.networkMode.kind;
const nets = (c: Container) => c.endpoints.filter((e) => e.ipv4 || e.ipv6).map((e) => `${e.networkName} ${e.ipv4 ?? e.ipv6}`).join(', ') || '-';
const ports = (c: Container) => c.ports.map((p) => `${hostPort(p.hostIp, p.hostPort)}→${p.containerPort}/${p.protocol}`).join(', ') || '-';

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section>
      <h2 className="mb-2 text-lg font-medium">{title}</h2>
      {children}
    </section>
  );
}

function Table({ head, rows, testId }: { head: string[]; rows: string[][]; testId?: string }) {
  return (
    <table className="w-full border-collapse text-left text-sm" data-testid={testId}>
      <thead>
        <tr>{head.map((h) => <th key={h} className="border-b border-slate-300 py-1 pr-4 font-medium dark:border-slate-700">{h}</th>)}</tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i} className="align-top">
            {r.map((c, j) => <td key={j} className="border-b border-slate-200 py-1 pr-4 font-mono dark:border-slate-800">{c}</td>)}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
