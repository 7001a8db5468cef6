import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Namespace, Snapshot } from '../../lib/snapshot/schema';
import { Collector } from './collector';

// A watching collector reuses what it read (rules while their generation id holds, socket owners while no listener
// is new, container inspections until a Docker event): each test changes something no event reports, or restarts a
// container, and checks that a later snapshot tells the truth anyway.

const sh = (cmd: string, ...args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' });
const NS = `na-cache-${randomBytes(3).toString('hex')}`;
const CONTAINER = `na-cache-${randomBytes(3).toString('hex')}`;
// Sized for a cold, busy 2-core machine; a snapshot there can take seconds.
const WAIT = { timeout: 60_000, interval: 50 };
let c: Collector;
const servers: ChildProcess[] = [];

beforeAll(async () => {
  sh('ip', 'netns', 'add', NS);
  sh('ip', '-n', NS, 'link', 'set', 'lo', 'up');
  c = new Collector();
  c.watch();
  await c.snapshot();
});

afterAll(async () => {
  for (const p of servers) p.kill('SIGKILL');
  await c.close();
  execFileSync('sh', ['-c', `ip netns del ${NS} 2>/dev/null; docker rm -f ${CONTAINER} >/dev/null 2>&1; true`]);
});

const ns = (s: Snapshot, name: string): Namespace | undefined => s.namespaces.find((n) => n.name === name);

/** Snapshots until `seen` holds for one. */
async function snapshotWhere(seen: (s: Snapshot) => boolean): Promise<Snapshot> {
  let last: Snapshot | null = null;
  await expect.poll(async () => seen((last = await c.snapshot())), WAIT).toBe(true);
  return last!;
}

/** busybox httpd on `port` inside NS, in the foreground: `ip netns exec` execs it, so its pid is ours. */
function serve(port: number): ChildProcess {
  const p = spawn('ip', ['netns', 'exec', NS, 'busybox', 'httpd', '-f', '-p', `127.0.0.1:${port}`], { stdio: 'ignore' });
  servers.push(p);
  return p;
}

describe('a watching collector never serves a stale cache', () => {
  it('sees rules added inside a namespace with no event at all (its nf_tables generation id moved)', async () => {
    await snapshotWhere((s) => ns(s, NS) !== undefined);
    sh('ip', 'netns', 'exec', NS, 'nft', 'add', 'table', 'inet', 'na_cache');
    sh('ip', 'netns', 'exec', NS, 'nft', 'add', 'chain', 'inet', 'na_cache', 'input', '{ type filter hook input priority 0; }');
    const s = await snapshotWhere((x) => (ns(x, NS)?.netfilter?.nftables ?? []).some((t) => t.name === 'na_cache' && t.chains.length === 1));
    expect(ns(s, NS)!.netfilter!.nftables!.find((t) => t.name === 'na_cache')!.chains[0].name).toBe('input');
  });

  it('names the process of a new listener, and the new process when the listener is replaced', async () => {
    const owner = (s: Snapshot, port: number) => ns(s, NS)?.listeners?.find((l) => l.port === port)?.processes.map((p) => p.pid);
    // Ground truth: the socket is listening (state 0A in the namespace's /proc/net/tcp) before the snapshot starts,
    // so that very snapshot must name its process: a map reused from before would not know the socket.
    const listening = (port: number) => {
      const tcp = sh('ip', 'netns', 'exec', NS, 'cat', '/proc/net/tcp');
      return new RegExp(`:${port.toString(16).toUpperCase().padStart(4, '0')} 00000000:0000 0A `).test(tcp);
    };
    const first = serve(7711);
    await expect.poll(() => listening(7711), WAIT).toBe(true);
    expect(owner(await c.snapshot(), 7711)).toEqual([first.pid]);
    const second = serve(7712); // a new socket while the map still holds for 7711
    await expect.poll(() => listening(7712), WAIT).toBe(true);
    expect(owner(await c.snapshot(), 7712)).toEqual([second.pid]);
    first.kill('SIGKILL');
    await expect.poll(() => listening(7711), WAIT).toBe(false);
    expect(owner(await c.snapshot(), 7711)).toBeUndefined();
    const third = serve(7711); // the same port again, from another process
    await expect.poll(() => listening(7711), WAIT).toBe(true);
    expect(owner(await c.snapshot(), 7711)).toEqual([third.pid]);
  });

  it('re-reads a restarted container: its new namespace, interfaces and process', async () => {
    sh('docker', 'run', '-d', '--name', CONTAINER, '--label', 'netatlas.lab=1', '--network', 'netatlas-lab-a', 'netatlas-lab/busybox:1');
    const truth = () => {
      const [pid, key] = sh('docker', 'inspect', '-f', '{{.State.Pid}} {{.NetworkSettings.SandboxKey}}', CONTAINER).trim().split(' ');
      return { pid: Number(pid), inode: statSync(key).ino };
    };
    const matches = (s: Snapshot, t: { pid: number; inode: number }) => {
      const box = s.namespaces.find((n) => n.kind === 'container' && n.inode === t.inode);
      const http = box?.listeners?.find((l) => l.port === 80);
      return !!box && box.containers.some((id) => s.docker?.containers.find((x) => x.id === id)?.name === CONTAINER) && !!http?.processes.some((p) => p.pid === t.pid);
    };
    const before = truth();
    await snapshotWhere((s) => matches(s, before));
    sh('docker', 'restart', '-t', '0', CONTAINER);
    const after = truth();
    expect(after.pid).not.toBe(before.pid);
    await snapshotWhere((s) => matches(s, after));
  });

  it("re-reads the host's rules when their generation id moves, and every time while legacy tables exist", () => {
    // The collector in a namespace of its own takes that namespace for the host: the real host is never changed.
    const out = sh('unshare', '--net', process.execPath, '--import', 'tsx', join(import.meta.dirname, '__fixtures__/host-rules-child.ts'));
    const steps = Object.fromEntries(
      out.trim().split('\n').map((l) => JSON.parse(l) as { step: string; reread: boolean; tables: string[]; ipv4: string }).map((x) => [x.step, x]),
    );
    expect(steps['unchanged'].reread).toBe(false); // reused: the cache is really in use
    expect(steps['nft table added']).toMatchObject({ reread: true, tables: expect.arrayContaining(['na_cache_host']) });
    expect(steps['iptables-nft rule added'].ipv4).toContain('198.18.255.254');
    expect(steps['unchanged again'].reread).toBe(false);
    expect(steps['counters wanted fresh'].reread).toBe(true);
    expect(steps['legacy loaded'].reread).toBe(true);
    expect(steps['legacy, unchanged'].reread).toBe(true);
  });
});
