import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSnapshot, type Snapshot } from './schema';
import { summarize } from './summary';

// `npx netatlas snapshot --json` taken on the running lab.
const raw = readFileSync(new URL('./__fixtures__/lab-snapshot.json', import.meta.url), 'utf8');
const lab = (): Snapshot => parseSnapshot(JSON.parse(raw));

const lines = (text: string) => text.split('\n');
/** The lines of one section: from its title to the next blank line. */
function section(text: string, title: string): string[] {
  const all = lines(text);
  const start = all.indexOf(title);
  expect(start, `section ${title}`).toBeGreaterThanOrEqual(0);
  const end = all.indexOf('', start);
  return all.slice(start + 1, end < 0 ? undefined : end);
}
/** A table row's cells (cells are separated by two or more spaces; blank leading cells are dropped). */
const cells = (row: string) => row.trim().split(/ {2,}/);
const rowOf = (rows: string[], first: string) => rows.find((r) => cells(r)[0] === first);

describe('summarize the lab snapshot', () => {
  const text = summarize(lab());

  it('starts with the host, Docker and forwarding state', () => {
    expect(lines(text).slice(0, 3)).toEqual([
      'netatlas snapshot of vm (kernel 6.18.44-fc-v669) at 2026-11-23T00:21:00.179Z, 149 ms',
      'Docker 20.10.24+dfsg1 (API 1.41); iptables backend nf_tables',
      'forwarding: ip_forward=1, bridge-nf-call-iptables=1',
    ]);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('lists docker0 with the veth leading to lab-web (eth0), hiding link-local addresses', () => {
    const rows = section(text, 'Bridges');
    expect(cells(rows[0])).toEqual(['bridge', 'STP', 'state', 'addresses', 'port', 'leads to']);
    expect(cells(rowOf(rows, 'docker0')!)).toEqual(['docker0', 'no', 'UP', '198.18.0.1/24', 'veth4e00ea5', 'lab-web (eth0)']);
  });

  it('lists every port of a user bridge, naming all containers sharing a namespace', () => {
    const rows = section(text, 'Bridges');
    const i = rows.indexOf(rowOf(rows, 'br-f0376874e379')!);
    expect(cells(rows[i])).toEqual(['br-f0376874e379', 'no', 'UP', '198.18.1.1/24', 'veth48250fa', 'lab-api + lab-sidecar (eth0)']);
    expect(cells(rows[i + 1])).toEqual(['vethfac17c0', 'lab-db (eth0)']);
    expect(rows[i + 1].indexOf('vethfac17c0')).toBe(rows[i].indexOf('veth48250fa')); // aligned under "port"
    expect(rows.some((r) => r.includes('lab-api + lab-sidecar (eth1)'))).toBe(true);
    expect(rows).toHaveLength(1 + 5); // header + five veths on three bridges
  });

  it('lists containers with their network modes, networks and published ports', () => {
    const rows = section(text, 'Containers');
    expect(cells(rows[0])).toEqual(['name', 'state', 'mode', 'networks', 'ports']);
    expect(cells(rowOf(rows, 'lab-sidecar')!)).toEqual(['lab-sidecar', 'running', 'container:lab-api', '-', '-']);
    expect(cells(rowOf(rows, 'lab-none')!)).toEqual(['lab-none', 'running', 'none', 'none', '-']);
    expect(cells(rowOf(rows, 'lab-hostnet')!)).toEqual(['lab-hostnet', 'running', 'host', 'host', '-']);
    expect(cells(rowOf(rows, 'lab-api')!)).toEqual([
      'lab-api', 'running', 'user (netatlas-lab-a)', 'netatlas-lab-a 198.18.1.2, netatlas-lab-b 198.18.2.2', '-',
    ]);
    expect(cells(rowOf(rows, 'lab-web')!)).toEqual([
      'lab-web', 'running', 'bridge', 'bridge 198.18.0.2', '[::]:18080->80/tcp, 0.0.0.0:18080->80/tcp, 127.0.0.1:18081->80/tcp',
    ]);
  });

  it('counts namespaces by kind and shows the named one', () => {
    expect(text).toContain('\nNamespaces: 7 (host 1, container 5, named 1)\n  netatlas-demo: lo 127.0.0.1/8 ::1/128, na-demo-ns 198.19.255.2/30\n');
  });

  it('lists docker-proxy processes with their container, bracketing IPv6 addresses', () => {
    expect(section(text, 'docker-proxy')).toEqual([
      '  tcp [::]:18080 -> 198.18.0.2:80 (pid 8916, lab-web)',
      '  tcp 0.0.0.0:18080 -> 198.18.0.2:80 (pid 8910, lab-web)',
      '  tcp 127.0.0.1:18081 -> 198.18.0.2:80 (pid 8899, lab-web)',
    ]);
  });

  it('counts netfilter rules, and has no problems section when there are none', () => {
    expect(text).toContain('\nNetfilter: 53 IPv4 rules across all namespaces; native nftables tables: none\n');
    expect(text).not.toContain('Problems');
  });
});

describe('summarize edge cases', () => {
  it('prints "Docker unreachable" and the problems when docker is null', () => {
    const s = lab();
    s.docker = null;
    s.dockerProxies = [];
    s.host.docker = { ...s.host.docker, reachable: false, version: null, apiVersion: null };
    s.host.problems = [
      { source: 'docker', subject: null, severity: 'error', message: 'connect ENOENT /var/run/docker.sock' },
      { source: 'netlink', subject: 'netns:1/if12', severity: 'warning', message: 'veth vethX: its peer is unknown' },
    ];
    const text = summarize(s);
    expect(lines(text)[1]).toBe('Docker unreachable; iptables backend nf_tables');
    expect(text).not.toContain('\nContainers\n');
    expect(text).not.toContain('docker-proxy');
    expect(section(text, 'Problems (2)')).toEqual([
      '  [error] docker: connect ENOENT /var/run/docker.sock',
      '  [warning] netlink netns:1/if12: veth vethX: its peer is unknown',
    ]);
    // Without Docker's names, a port leads to the short id of the container owning the namespace.
    expect(cells(rowOf(section(text, 'Bridges'), 'docker0')!).at(-1)).toBe('0bff5e38633b (eth0)');
  });

  it('shows a bridge without ports, STP on, an unresolved peer, and a missing br_netfilter', () => {
    const s = lab();
    const host = s.namespaces.find((n) => n.kind === 'host')!;
    const br = host.interfaces.find((i) => i.name === 'br-7bb242862bae')!;
    br.bridge = { ...br.bridge!, stp: true };
    for (const i of host.interfaces) if (i.master === 'br-7bb242862bae') i.master = null;
    host.interfaces.find((i) => i.name === 'veth4e00ea5')!.peer = null;
    s.host.sysctls.bridgeNfCallIptables = null;
    const text = summarize(s);
    const rows = section(text, 'Bridges');
    expect(cells(rowOf(rows, 'br-7bb242862bae')!)).toEqual(['br-7bb242862bae', 'yes', 'UP', '198.18.2.1/24', '-', '(no ports)']);
    expect(cells(rowOf(rows, 'docker0')!).slice(-2)).toEqual(['veth4e00ea5', 'veth']);
    expect(text).toContain('bridge-nf-call-iptables=n/a (br_netfilter not loaded)');
  });
});
