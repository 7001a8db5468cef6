import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Namespace, Snapshot } from '../../lib/snapshot/schema';
import { parseSnapshot } from '../../lib/snapshot/schema';
import { namespaceLabel } from '../../lib/snapshot/names';
import { tracePath } from '../../lib/sim/trace';
import type { Endpoint } from '../../lib/sim/types';
import { connect, type Observation, type Source } from '../paths/kernel';
import { collectSnapshot } from './collector';

// Single-node swarm on the shared dockerd, for this file only: `lab.sh swarm-up` before, `swarm-down` after, whatever
// happens in between. Ground truth: docker network/service inspect, and `ip -j` run inside each namespace by nsenter.
// The kernel has no IPVS, so the service publishes in host mode; the routing mesh is tested on data (lib/sim/swarm.test.ts).

const LAB = new URL('../../e2e/lab/lab.sh', import.meta.url).pathname;
const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' });
const json = <T>(cmd: string, args: string[]) => JSON.parse(sh(cmd, args)) as T;
const OVERLAY = 'netatlas-lab-overlay';
const SERVICE = 'netatlas-lab-svc';
const PORT = 18090;

interface NetInspect { Id: string; Name: string; Driver: string; Scope: string; IPAM: { Config: { Subnet: string }[] } }
interface IpLink { ifindex: number; ifname: string; master?: string; linkinfo?: { info_kind?: string } }
interface IpAddr { ifname: string; addr_info: { family: string; local: string; prefixlen: number }[] }

let snap: Snapshot;

beforeAll(() => {
  sh('bash', [LAB, 'swarm-up']);
  return collectSnapshot().then((s) => {
    snap = s;
  });
}, 300_000);

afterAll(() => {
  sh('bash', [LAB, 'swarm-down']);
  expect(sh('docker', ['info', '--format', '{{.Swarm.LocalNodeState}}']).trim()).toBe('inactive');
}, 300_000);

const nsAt = (path: string): Namespace => {
  const ns = snap.namespaces.find((n) => n.path === path);
  if (!ns) throw new Error(`no namespace at ${path} in the snapshot`);
  return ns;
};
const linksIn = (path: string) => json<IpLink[]>('nsenter', [`--net=${path}`, 'ip', '-d', '-j', 'link', 'show']);
const addrsIn = (path: string) =>
  json<IpAddr[]>('nsenter', [`--net=${path}`, 'ip', '-j', 'addr', 'show'])
    .flatMap((a) => a.addr_info.filter((x) => x.family === 'inet').map((x) => `${a.ifname} ${x.local}/${x.prefixlen}`))
    .sort();
const snapAddrs = (ns: Namespace) =>
  ns.interfaces.flatMap((i) => i.addresses.filter((a) => a.family === 'inet').map((a) => `${i.name} ${a.address}/${a.prefixlen}`)).sort();

describe('single-node swarm, as the snapshot shows it', () => {
  it('validates and reports no errors', () => {
    expect(() => parseSnapshot(JSON.parse(JSON.stringify(snap)))).not.toThrow();
    expect(snap.host.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it("has the overlay network's own namespace with br0, the vxlan device and the container veths", () => {
    const [net] = json<NetInspect[]>('docker', ['network', 'inspect', OVERLAY]);
    expect(net.IPAM.Config.map((c) => c.Subnet)).toEqual(['198.18.62.0/24']);
    const mine = snap.docker!.networks.find((n) => n.id === net.Id)!;
    expect(mine).toMatchObject({ name: OVERLAY, driver: 'overlay', scope: 'swarm' });
    const path = `/var/run/docker/netns/1-${net.Id.slice(0, 10)}`;
    const ns = nsAt(path);
    expect(namespaceLabel(snap, ns.id)).toBe(`overlay ${OVERLAY}`);
    const truth = linksIn(path);
    expect(ns.interfaces.map((i) => `${i.ifindex} ${i.name} ${i.master ?? '-'} ${i.linkKind ?? '-'}`).sort()).toEqual(
      truth.map((l) => `${l.ifindex} ${l.ifname} ${l.master ?? '-'} ${l.linkinfo?.info_kind ?? '-'}`).sort(),
    );
    expect(ns.interfaces.find((i) => i.name === 'br0')?.kind).toBe('bridge');
    const vx = ns.interfaces.filter((i) => i.kind === 'vxlan');
    expect(vx.map((i) => i.master)).toEqual(['br0']);
    expect(snapAddrs(ns)).toEqual(addrsIn(path));
    expect(snapAddrs(ns)).toContain('br0 198.18.62.1/24');
  });

  it("joins the task container's endpoint to its veth on the overlay namespace's br0", () => {
    const task = snap.docker!.containers.find((c) => c.swarm?.serviceName === SERVICE);
    expect(task).toBeDefined();
    const [svc] = json<{ ID: string }[]>('docker', ['service', 'inspect', SERVICE]);
    const [ins] = json<{ Config: { Labels: Record<string, string> } }[]>('docker', ['inspect', task!.id]);
    expect(task!.swarm).toEqual({
      serviceId: svc.ID,
      serviceName: SERVICE,
      taskId: ins.Config.Labels['com.docker.swarm.task.id'],
      taskName: ins.Config.Labels['com.docker.swarm.task.name'],
    });
    const ep = task!.endpoints.find((e) => e.networkName === OVERLAY)!;
    expect(ep.ipv4).toMatch(/^198\.18\.62\./);
    expect(ep.bridge).toBe('br0');
    expect(nsAt(`/var/run/docker/netns/1-${ep.networkId.slice(0, 10)}`).id).toBe(ep.hostInterface?.namespaceId);
    expect(task!.ports).toContainEqual({ containerPort: 80, protocol: 'tcp', hostIp: '0.0.0.0', hostPort: PORT });
  });

  it('has docker_gwbridge on the host and the ingress_sbox namespace, addressed as the kernel says', () => {
    const host = snap.namespaces.find((n) => n.kind === 'host')!;
    const gw = host.interfaces.find((i) => i.name === 'docker_gwbridge');
    expect(gw?.kind).toBe('bridge');
    expect(gw?.addresses.map((a) => `${a.address}/${a.prefixlen}`)).toContain('198.18.61.1/24');
    expect(snap.docker!.networks.find((n) => n.name === 'docker_gwbridge')?.bridge).toBe('docker_gwbridge');
    const sbox = nsAt('/var/run/docker/netns/ingress_sbox');
    expect(namespaceLabel(snap, sbox.id)).toBe('ingress_sbox');
    expect(snapAddrs(sbox)).toEqual(addrsIn('/var/run/docker/netns/ingress_sbox'));
    // One leg on the ingress overlay (from swarm's pool), one on docker_gwbridge whose host end is a bridge port there.
    expect(snapAddrs(sbox).some((a) => a.includes(' 198.18.64.'))).toBe(true);
    const gwLeg = sbox.interfaces.find((i) => i.addresses.some((a) => a.address.startsWith('198.18.61.')));
    const hostEnd = host.interfaces.find((i) => i.namespaceId === gwLeg?.peer?.namespaceId && i.ifindex === gwLeg?.peer?.ifindex);
    expect(hostEnd?.master).toBe('docker_gwbridge');
  });

  it("reads ingress_sbox's IPVS table from inside it, or says why not (this kernel: no IPVS), and its forwarding", () => {
    const sbox = nsAt('/var/run/docker/netns/ingress_sbox');
    const why = snap.host.problems.find((p) => p.source === 'ipvs' && p.subject === sbox.id)?.message;
    if (existsSync('/proc/net/ip_vs')) expect(Array.isArray(sbox.ipvs)).toBe(true);
    else expect([sbox.ipvs, why]).toEqual([null, 'kernel has no IPVS (/proc/net/ip_vs absent)']);
    expect(String(sbox.ipv4Forward)).toBe(execFileSync('nsenter', ['--net=/var/run/docker/netns/ingress_sbox', 'cat', '/proc/sys/net/ipv4/ip_forward'], { encoding: 'utf8' }).trim());
  });

  it('the simulator agrees with real connections to the host-mode published service port', async () => {
    const demoInode = Number(sh('stat', ['-L', '-c', '%i', '/var/run/netns/netatlas-demo']));
    const db = snap.docker!.containers.find((c) => c.name === 'lab-db')!;
    const cases: { label: string; kernel: Source; sim: Endpoint; ip: string }[] = [
      { label: 'host → 127.0.0.1', kernel: { host: true }, sim: { kind: 'host' }, ip: '127.0.0.1' },
      { label: 'host → advertise address', kernel: { host: true }, sim: { kind: 'host' }, ip: '198.18.60.1' },
      { label: 'outside client', kernel: { netns: 'netatlas-demo' }, sim: { kind: 'namespace', namespaceId: `netns:${demoInode}` }, ip: '198.19.255.1' },
      { label: 'lab-db', kernel: { container: 'lab-db' }, sim: { kind: 'container', containerId: db.id }, ip: '198.18.60.1' },
    ];
    const rows: string[] = [];
    for (const c of cases) {
      const seen: Observation = await connect(c.kernel, c.ip, PORT);
      const r = tracePath(snap, { from: c.sim, to: { kind: 'ip', ip: c.ip, port: PORT }, protocol: 'tcp' });
      const simSeen = r.outcome.result === 'delivered' ? r.outcome.seenSource : null;
      rows.push(`${c.label}: kernel ${seen.connected ? `connected from ${seen.seenSource}` : seen.error}; simulator ${r.outcome.result} ${simSeen ?? ''}`);
      expect({ label: c.label, delivered: r.outcome.result === 'delivered', seen: simSeen }).toEqual({
        label: c.label,
        delivered: seen.connected,
        seen: seen.seenSource,
      });
    }
    console.log(rows.join('\n'));
    // The service answered at least from the host: the test exercised a real path, not only refusals.
    expect(rows[0]).toMatch(/connected/);
  });
});
