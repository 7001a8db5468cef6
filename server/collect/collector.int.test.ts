import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Container, Interface, Snapshot } from '../../lib/snapshot/schema';
import { parseSnapshot } from '../../lib/snapshot/schema';
import { collectSnapshot } from './collector';

// Ground truth comes from the same tools an operator would use by hand (docker inspect, ip, bridge, nsenter,
// iptables-save), run here independently of the collector. The lab (e2e/lab/lab.sh up) must be running.

const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' });
const json = <T>(cmd: string, args: string[]) => JSON.parse(sh(cmd, args)) as T;

interface Inspect {
  Id: string;
  Name: string;
  State: { Pid: number };
  HostConfig: { NetworkMode: string };
  NetworkSettings: { SandboxKey: string; Networks: Record<string, { NetworkID: string; MacAddress: string; IPAddress: string }> };
}
interface IpLinkTruth { ifindex: number; ifname: string; link_index?: number; address?: string; master?: string }

const LAB = ['lab-web', 'lab-api', 'lab-sidecar', 'lab-db', 'lab-worker', 'lab-none', 'lab-hostnet'];

let snap: Snapshot;
let truth: Record<string, Inspect>;

beforeAll(async () => {
  snap = await collectSnapshot();
  truth = Object.fromEntries(json<Inspect[]>('docker', ['inspect', ...LAB]).map((c) => [c.Name.slice(1), c]));
});

const container = (name: string): Container => {
  const c = snap.docker?.containers.find((x) => x.name === name);
  if (!c) throw new Error(`${name} missing from the snapshot`);
  return c;
};
const iface = (nsId: string, ifindex: number): Interface | undefined =>
  snap.namespaces.find((n) => n.id === nsId)?.interfaces.find((i) => i.ifindex === ifindex);

describe('snapshot of the lab', () => {
  it('validates against the schema and reports no errors', () => {
    expect(() => parseSnapshot(JSON.parse(JSON.stringify(snap)))).not.toThrow();
    expect(snap.host.docker.reachable).toBe(true);
    expect(snap.host.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('joins every endpoint to the right container interface, host veth and bridge', () => {
    const hostLinks = json<IpLinkTruth[]>('ip', ['-j', 'link', 'show']);
    const bridgePorts = json<{ ifname: string; master: string }[]>('bridge', ['-j', 'link', 'show']);
    let checked = 0;
    for (const name of ['lab-web', 'lab-api', 'lab-db', 'lab-worker']) {
      const t = truth[name];
      const inNs = json<IpLinkTruth[]>('nsenter', [`--net=${t.NetworkSettings.SandboxKey}`, 'ip', '-j', 'link', 'show']);
      for (const [netName, ep] of Object.entries(t.NetworkSettings.Networks)) {
        const e = container(name).endpoints.find((x) => x.networkName === netName);
        expect(e, `${name} on ${netName}`).toBeDefined();
        const cside = inNs.find((l) => l.address === ep.MacAddress)!;
        expect(e!.containerInterface?.name).toBe(cside.ifname);
        expect(e!.containerInterface?.ifindex).toBe(cside.ifindex);
        const hside = hostLinks.find((l) => l.ifindex === cside.link_index)!;
        expect(e!.hostInterface?.name).toBe(hside.ifname);
        const br = bridgePorts.find((p) => p.ifname === hside.ifname)!.master;
        expect(e!.bridge).toBe(br);
        expect(snap.docker!.networks.find((n) => n.id === ep.NetworkID)!.bridge).toBe(br);
        // Both ends of the veth point at each other.
        const hostIface = iface(e!.hostInterface!.namespaceId, e!.hostInterface!.ifindex)!;
        expect(hostIface.peer).toEqual(e!.containerInterface);
        expect(hostIface.master).toBe(br);
        checked++;
      }
    }
    expect(checked).toBe(5); // web, api ×2, db, worker
  });

  it('groups containers that share a namespace (container:X)', () => {
    const api = container('lab-api');
    const sidecar = container('lab-sidecar');
    expect(sidecar.networkMode).toMatchObject({ kind: 'container', sharedWith: api.id });
    expect(sidecar.namespaceId).toBe(api.namespaceId);
    const ns = snap.namespaces.find((n) => n.id === api.namespaceId)!;
    expect(ns.containers.sort()).toEqual([api.id, sidecar.id].sort());
    expect(ns.path).toBe(truth['lab-api'].NetworkSettings.SandboxKey);
    const inode = Number(/\[(\d+)\]/.exec(sh('readlink', [`/proc/${truth['lab-sidecar'].State.Pid}/ns/net`]))![1]);
    expect(ns.inode).toBe(inode);
  });

  it('shows a none-mode container with only lo, and a host-mode container in the host namespace', () => {
    const none = snap.namespaces.find((n) => n.id === container('lab-none').namespaceId)!;
    expect(none.interfaces.map((i) => i.name)).toEqual(['lo']);
    expect(container('lab-none').networkMode.kind).toBe('none');
    const hostNs = snap.namespaces.find((n) => n.kind === 'host')!;
    expect(container('lab-hostnet').namespaceId).toBe(hostNs.id);
    expect(container('lab-hostnet').networkMode.kind).toBe('host');
  });

  it('reads user networks with their subnets and bridges', () => {
    const a = snap.docker!.networks.find((n) => n.name === 'netatlas-lab-a')!;
    expect(a.subnets[0].subnet).toBe('198.18.1.0/24');
    expect(a.bridge).toBe(`br-${a.id.slice(0, 12)}`);
    expect(a.containers.sort()).toEqual([container('lab-api').id, container('lab-db').id].sort());
    const bridge = snap.namespaces.find((n) => n.kind === 'host')!.interfaces.find((i) => i.name === a.bridge)!;
    expect(bridge.kind).toBe('bridge');
    expect(bridge.addresses.map((x) => `${x.address}/${x.prefixlen}`)).toContain('198.18.1.1/24');
    expect(container('lab-api').networkMode.kind).toBe('user');
    expect(container('lab-api').endpoints.find((e) => e.networkName === 'netatlas-lab-a')!.aliases).toContain('api');
  });

  it('has the published ports and the docker-proxy processes behind them', () => {
    const web = container('lab-web');
    expect(web.ports).toEqual(
      expect.arrayContaining([
        { containerPort: 80, protocol: 'tcp', hostIp: '0.0.0.0', hostPort: 18080 },
        { containerPort: 80, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 18081 },
      ]),
    );
    const pids = sh('pgrep', ['-x', 'docker-proxy']).trim().split('\n').map(Number).sort();
    expect(snap.dockerProxies.map((p) => p.pid).sort()).toEqual(pids);
    const webIp = truth['lab-web'].NetworkSettings.Networks.bridge.IPAddress;
    expect(snap.dockerProxies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ hostIp: '127.0.0.1', hostPort: 18081, containerIp: webIp, containerPort: 80, containerId: web.id }),
      ]),
    );
  });

  it('has every host iptables rule, with counters', () => {
    const saved = sh('iptables-save', ['-c']).split('\n').filter((l) => /^\[\d+:\d+\] -A /.test(l));
    const hostNs = snap.namespaces.find((n) => n.kind === 'host')!;
    const rules = hostNs.netfilter!.ipv4!.tables.flatMap((t) => t.chains.flatMap((c) => c.rules));
    const raws = new Set(rules.map((r) => r.raw));
    expect(saved.length).toBeGreaterThan(10);
    for (const line of saved) expect(raws).toContain(line.replace(/^\[\d+:\d+\] /, ''));
    expect(rules.every((r) => r.counters !== null)).toBe(true);
    expect(rules.some((r) => r.raw.includes('--dport 80') && r.target?.name === 'ACCEPT')).toBe(true);
  });

  it("reads each container namespace's own rules (embedded DNS on user networks)", () => {
    const ns = snap.namespaces.find((n) => n.id === container('lab-db').namespaceId)!;
    const nat = ns.netfilter!.ipv4!.tables.find((t) => t.name === 'nat')!;
    const dnat = nat.chains.flatMap((c) => c.rules).filter((r) => r.target?.name === 'DNAT');
    expect(dnat.length).toBe(2); // tcp and udp to 127.0.0.11
    expect(dnat.every((r) => r.destination?.value === '127.0.0.11/32')).toBe(true);
  });

  it('includes the named namespace and its veth to the host', () => {
    const demo = snap.namespaces.find((n) => n.kind === 'named' && n.name === 'netatlas-demo')!;
    const end = demo.interfaces.find((i) => i.name === 'na-demo-ns')!;
    expect(end.addresses).toContainEqual({ family: 'inet', address: '198.19.255.2', prefixlen: 30, scope: 'global' });
    const hostEnd = snap.namespaces.find((n) => n.kind === 'host')!.interfaces.find((i) => i.name === 'na-demo-h')!;
    expect(end.peer).toEqual({ namespaceId: hostEnd.namespaceId, ifindex: hostEnd.ifindex, name: 'na-demo-h' });
  });

  it('never collects container environment variables', () => {
    expect(JSON.stringify(snap)).not.toContain('must-never-be-collected');
    expect(JSON.stringify(snap)).not.toContain('NETATLAS_LAB_SECRET');
  });
});

describe('the CLI', () => {
  it('prints a snapshot as JSON that validates and matches the lab', () => {
    const out = execFileSync('npx', ['netatlas', 'snapshot', '--json'], { encoding: 'utf8', maxBuffer: 256 << 20 });
    const s = parseSnapshot(JSON.parse(out));
    expect(s.docker!.containers.map((c) => c.name)).toEqual(expect.arrayContaining(LAB));
  });

  it('prints a human summary with bridges, containers and modes', () => {
    const out = execFileSync('npx', ['netatlas', 'snapshot'], { encoding: 'utf8' });
    expect(out).toMatch(/Bridges/);
    expect(out).toMatch(/docker0 .*veth\w+ +lab-web \(eth0\)/);
    expect(out).toMatch(/lab-sidecar +running +container:lab-api/);
    expect(out).toMatch(/lab-web .*0\.0\.0\.0:18080->80\/tcp, 127\.0\.0\.1:18081->80\/tcp/);
  });

  it('exits 2 with usage on an unknown command', () => {
    let code = 0;
    let stderr = '';
    try {
      execFileSync('npx', ['netatlas', 'frobnicate'], { encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      code = (e as { status: number }).status;
      stderr = (e as { stderr: string }).stderr;
    }
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown command 'frobnicate'/);
  });
});
