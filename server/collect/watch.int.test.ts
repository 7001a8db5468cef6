import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../lib/snapshot/schema';
import { Collector } from './collector';

// A watching collector caches per-namespace reads; these tests change the lab under it and check that the next
// snapshot tells the truth, i.e. that Docker events and netlink notifications invalidate the right entries.

const sh = (cmd: string, ...args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' });
let c: Collector;
let changes = 0;

const afterChange = async (act: () => void): Promise<Snapshot> => {
  const before = changes;
  act();
  await expect.poll(() => changes > before, { timeout: 5_000 }).toBe(true);
  await new Promise((r) => setTimeout(r, 200)); // let the burst of notifications for one action settle
  return c.snapshot();
};

beforeAll(async () => {
  c = new Collector();
  c.on('change', () => changes++);
  c.watch();
  await new Promise((r) => setTimeout(r, 500));
  await c.snapshot();
});

afterAll(() => {
  c.close();
  sh('ip', '-n', 'netatlas-demo', 'link', 'set', 'na-demo-ns', 'mtu', '1500');
  execFileSync('sh', ['-c', 'docker network disconnect netatlas-lab-b lab-db 2>/dev/null || true']);
});

describe('a watching collector', () => {
  it('serves an unchanged repeat from its caches, with identical content', async () => {
    const a = await c.snapshot();
    const reads = c.namespaceReads;
    const b = await c.snapshot();
    expect(c.namespaceReads - reads).toBe(1); // only the host's rules, whose counters always move
    const strip = (s: Snapshot) => ({ ...s, host: { ...s.host, collectedAt: '', collectionMs: 0 } });
    // Host rule counters may move between reads; compare everything but the host namespace's netfilter.
    const noHostRules = (s: Snapshot) => ({ ...strip(s), namespaces: s.namespaces.map((n) => (n.kind === 'host' ? { ...n, netfilter: null } : n)) });
    expect(noHostRules(b)).toEqual(noHostRules(a));
  });

  it('sees a link change inside a named namespace (netlink, via its nsid)', async () => {
    const reads = c.namespaceReads;
    const s = await afterChange(() => sh('ip', '-n', 'netatlas-demo', 'link', 'set', 'na-demo-ns', 'mtu', '1400'));
    // The host (whose veth peer changed state too, possibly) and the demo namespace; not every container.
    expect(c.namespaceReads - reads).toBeLessThanOrEqual(2);
    const demo = s.namespaces.find((n) => n.name === 'netatlas-demo')!;
    expect(demo.interfaces.find((i) => i.name === 'na-demo-ns')!.mtu).toBe(1400);
  });

  it('sees a container joining a network (Docker event), joined to a new veth', async () => {
    const s = await afterChange(() => sh('docker', 'network', 'connect', 'netatlas-lab-b', 'lab-db'));
    const db = s.docker!.containers.find((x) => x.name === 'lab-db')!;
    const e = db.endpoints.find((x) => x.networkName === 'netatlas-lab-b')!;
    expect(e.ipv4).toMatch(/^198\.18\.2\./);
    // Ground truth: the interface inside the container that carries the new endpoint's MAC.
    const key = sh('docker', 'inspect', '-f', '{{.NetworkSettings.SandboxKey}}', 'lab-db').trim();
    const mac = sh('docker', 'inspect', '-f', '{{(index .NetworkSettings.Networks "netatlas-lab-b").MacAddress}}', 'lab-db').trim();
    const links = JSON.parse(sh('nsenter', `--net=${key}`, 'ip', '-j', 'link', 'show')) as { ifname: string; address: string }[];
    expect(e.containerInterface?.name).toBe(links.find((l) => l.address === mac)!.ifname);
    expect(e.bridge).toBe(s.docker!.networks.find((n) => n.name === 'netatlas-lab-b')!.bridge);
  });
});
