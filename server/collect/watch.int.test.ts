import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Snapshot } from '../../lib/snapshot/schema';
import { Collector } from './collector';

// A watching collector caches per-namespace reads; these tests change the lab under it and check that the next
// snapshot tells the truth, i.e. that Docker events and netlink notifications invalidate the right entries.

const sh = (cmd: string, ...args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' });
// Sized for a cold, busy 2-core machine; a snapshot there can take seconds.
const WAIT = { timeout: 60_000, interval: 50 };
let c: Collector;

/**
 * Whether this process's `ip monitor` child is listening: its netlink socket is bound to groups (the kernel lists
 * it in /proc/net/netlink under the child's pid) and it sleeps, i.e. waits in recvmsg. Changes made earlier are missed.
 */
function netlinkMonitorListening(): boolean {
  const children = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8'); // pid (comm) state ppid …
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(ppid) === process.pid && stat.includes(' (ip) ') ? [{ pid, state }] : [];
    } catch {
      return []; // exited meanwhile
    }
  });
  const bound = readFileSync('/proc/net/netlink', 'utf8').split('\n').slice(1).map((l) => l.trim().split(/\s+/))
    .filter(([, proto, , groups]) => proto === '0' && groups !== undefined && Number.parseInt(groups, 16) !== 0)
    .map(([, , pid]) => pid);
  return children.some((ch) => ch.state === 'S' && bound.includes(ch.pid));
}

/** Snapshots until `seen` holds for one, and how many namespaces that snapshot read. */
async function snapshotWhere(seen: (s: Snapshot) => boolean): Promise<{ s: Snapshot; reads: number }> {
  let last: { s: Snapshot; reads: number } | null = null;
  await expect
    .poll(async () => {
      const before = c.namespaceReads;
      const s = await c.snapshot();
      last = { s, reads: c.namespaceReads - before };
      return seen(s);
    }, WAIT)
    .toBe(true);
  return last!;
}

beforeAll(async () => {
  c = new Collector();
  let dockerConnected = false;
  c.on('docker-state', (state) => (dockerConnected = state === 'connected'));
  c.watch();
  // Listening before the tests change anything: a change made earlier would go unnoticed.
  await vi.waitFor(() => expect(dockerConnected).toBe(true), WAIT);
  await vi.waitFor(() => expect(netlinkMonitorListening()).toBe(true), WAIT);
  await c.snapshot();
});

afterAll(async () => {
  await c.close();
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
    sh('ip', '-n', 'netatlas-demo', 'link', 'set', 'na-demo-ns', 'mtu', '1400');
    const demoMtu = (s: Snapshot) => s.namespaces.find((n) => n.name === 'netatlas-demo')?.interfaces.find((i) => i.name === 'na-demo-ns')?.mtu;
    const { reads } = await snapshotWhere((s) => demoMtu(s) === 1400);
    // The snapshot that saw it re-read the host (whose veth peer changed state too, possibly) and the demo
    // namespace; not every container.
    expect(reads).toBeLessThanOrEqual(2);
  });

  it('sees a container joining a network (Docker event), joined to a new veth', async () => {
    sh('docker', 'network', 'connect', 'netatlas-lab-b', 'lab-db');
    const endpoint = (s: Snapshot) => s.docker?.containers.find((x) => x.name === 'lab-db')?.endpoints.find((x) => x.networkName === 'netatlas-lab-b');
    const { s } = await snapshotWhere((s) => endpoint(s)?.containerInterface != null);
    const e = endpoint(s)!;
    expect(e.ipv4).toMatch(/^198\.18\.2\./);
    // Ground truth: the interface inside the container that carries the new endpoint's MAC.
    const key = sh('docker', 'inspect', '-f', '{{.NetworkSettings.SandboxKey}}', 'lab-db').trim();
    const mac = sh('docker', 'inspect', '-f', '{{(index .NetworkSettings.Networks "netatlas-lab-b").MacAddress}}', 'lab-db').trim();
    const links = JSON.parse(sh('nsenter', `--net=${key}`, 'ip', '-j', 'link', 'show')) as { ifname: string; address: string }[];
    expect(e.containerInterface?.name).toBe(links.find((l) => l.address === mac)!.ifname);
    expect(e.bridge).toBe(s.docker!.networks.find((n) => n.name === 'netatlas-lab-b')!.bridge);
  });
});
