import type { Container, Interface, Snapshot } from './schema';
import { hostPort, namespaceLabel } from './names';

/** A plain-text summary of a snapshot, in the spirit of `brctl show` and `docker ps`. */
export function summarize(s: Snapshot): string {
  const out: string[] = [];
  const h = s.host;
  const docker = h.docker.reachable ? `Docker ${h.docker.version} (API ${h.docker.apiVersion})` : 'Docker unreachable';
  out.push(`netatlas snapshot of ${h.hostname} (kernel ${h.kernel}) at ${h.collectedAt}, ${h.collectionMs} ms`);
  out.push(`${docker}; iptables backend ${h.iptables.active}`);
  const sc = h.sysctls;
  out.push(
    `forwarding: ip_forward=${sc.ipv4Forward ?? '?'}, bridge-nf-call-iptables=${sc.bridgeNfCallIptables ?? 'n/a (br_netfilter not loaded)'}`,
  );

  const byIfaceId = new Map(s.namespaces.flatMap((n) => n.interfaces.map((i) => [i.id, i] as const)));
  const nameOf = new Map((s.docker?.containers ?? []).map((c) => [c.id, c.name]));
  const host = s.namespaces.find((n) => n.kind === 'host');
  const bridges = host?.interfaces.filter((i) => i.kind === 'bridge') ?? [];

  out.push('', 'Bridges');
  const rows: string[][] = [['bridge', 'STP', 'state', 'addresses', 'port', 'leads to']];
  for (const b of bridges) {
    const ports = host!.interfaces.filter((i) => i.master === b.name);
    const first = [b.name, b.bridge?.stp ? 'yes' : 'no', b.operstate, addrs(b)];
    if (ports.length === 0) rows.push([...first, '-', '(no ports)']);
    ports.forEach((p, k) => {
      const peer = p.peer ? byIfaceId.get(`${p.peer.namespaceId}/if${p.peer.ifindex}`) : undefined;
      const where = peer ? `${namespaceLabel(s, p.peer!.namespaceId)} (${peer.name})` : p.kind;
      rows.push([...(k === 0 ? first : ['', '', '', '']), p.name, where]);
    });
  }
  out.push(...table(rows));

  if (s.docker) {
    out.push('', 'Containers');
    const crow: string[][] = [['name', 'state', 'mode', 'networks', 'ports']];
    for (const c of s.docker.containers) crow.push([c.name, c.state, mode(c, nameOf), networks(c), ports(c)]);
    out.push(...table(crow));
  }

  const kinds = s.namespaces.reduce<Record<string, number>>((a, n) => ({ ...a, [n.kind]: (a[n.kind] ?? 0) + 1 }), {});
  out.push('', `Namespaces: ${s.namespaces.length} (${Object.entries(kinds).map(([k, v]) => `${k} ${v}`).join(', ')})`);
  for (const n of s.namespaces.filter((n) => n.kind === 'named')) {
    out.push(`  ${n.name}: ${n.interfaces.map((i) => `${i.name}${i.addresses.length ? ' ' + addrs(i) : ''}`).join(', ')}`);
  }
  if (s.dockerProxies.length) {
    out.push('', 'docker-proxy');
    for (const p of s.dockerProxies) {
      out.push(`  ${p.protocol} ${hostPort(p.hostIp, p.hostPort)} -> ${hostPort(p.containerIp, p.containerPort)} (pid ${p.pid}${p.containerId ? `, ${nameOf.get(p.containerId)}` : ''})`);
    }
  }
  const rules = s.namespaces.reduce((a, n) => a + (n.netfilter?.ipv4?.tables.reduce((t, x) => t + x.chains.reduce((r, c) => r + c.rules.length, 0), 0) ?? 0), 0);
  out.push('', `Netfilter: ${rules} IPv4 rules across all namespaces; native nftables tables: ${s.namespaces.flatMap((n) => n.netfilter?.nftables ?? []).map((t) => `${t.family} ${t.name}`).join(', ') || 'none'}`);
  if (h.problems.length) {
    out.push('', `Problems (${h.problems.length})`);
    for (const p of h.problems) out.push(`  [${p.severity}] ${p.source}${p.subject ? ` ${p.subject}` : ''}: ${p.message}`);
  }
  return out.join('\n') + '\n';
}

const addrs = (i: Interface) => i.addresses.filter((a) => a.scope !== 'link').map((a) => `${a.address}/${a.prefixlen}`).join(' ') || '-';

function mode(c: Container, nameOf: Map<string, string>): string {
  if (c.networkMode.kind === 'container') return `container:${nameOf.get(c.networkMode.sharedWith ?? '') ?? c.networkMode.raw.slice(10)}`;
  return c.networkMode.kind === 'user' ? `user (${c.networkMode.raw})` : c.networkMode.kind;
}

const networks = (c: Container) =>
  c.endpoints.map((e) => `${e.networkName} ${e.ipv4 ?? e.ipv6 ?? ''}`.trim()).join(', ') || '-';

/** ip:port, with an IPv6 address in brackets ([::]:8080, not :::8080). */

const ports = (c: Container) =>
  c.ports.map((p) => `${hostPort(p.hostIp, p.hostPort)}->${p.containerPort}/${p.protocol}`).join(', ') || '-';

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => '  ' + r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd());
}
