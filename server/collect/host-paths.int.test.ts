import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSnapshot, type Snapshot } from '../../lib/snapshot/schema';

// An agent in a container sees the host as a swarm service does: its own PID namespace (its /proc shows only its
// own processes), the host's /proc, Docker's and ip-netns's namespace directories and the Docker socket mounted
// somewhere else. This test builds exactly that around the real CLI on the real host: a new mount namespace where
// those host paths are bind-mounted under a temp dir and the originals hidden (tmpfs, /dev/null), then a new PID
// namespace with its own /proc. `netatlas snapshot --json` there, told where things are (NETATLAS_PROC_ROOT,
// NETATLAS_DOCKER_NETNS, NETATLAS_NETNS_DIR, DOCKER_HOST), must see what it sees on the host. Needs root and the lab.

const root = join(import.meta.dirname, '../..');
const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' });

let dir: string;
let onHost: Snapshot;
let contained: Snapshot;
let containedUntold: Snapshot;
let containedUnpropagated: Snapshot;

// Runs in the new mount namespace (propagation private: nothing reaches the host's mount table; it all goes when
// the last process of the namespace exits).
const CONTAIN = `set -e
T="$1"; shift
mount --bind /proc "$T/proc"
mount \${NETNS_BIND:---rbind} /run/docker/netns "$T/docker-netns"
mount --rbind /run/netns "$T/netns"
mount --bind /run/docker.sock "$T/docker.sock"
mount -t tmpfs -o size=64k,mode=0755 netatlas-hidden /run/docker/netns
mount -t tmpfs -o size=64k,mode=0755 netatlas-hidden /run/netns
mount --bind /dev/null /run/docker.sock
exec unshare --pid --fork --mount-proc "$@"`;

function snapshotIn(env: Record<string, string>, contain: boolean): Snapshot {
  const cli = [process.execPath, join(root, 'bin/netatlas.mjs'), 'snapshot', '--json'];
  const [cmd, args] = contain ? ['unshare', ['--mount', '--propagation', 'private', 'sh', '-c', CONTAIN, 'contain', dir, ...cli]] : [cli[0], cli.slice(1)];
  const r = spawnSync(cmd as string, args as string[], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 256 << 20, timeout: 120_000 });
  if (r.status !== 0) throw new Error(`snapshot failed (${r.status}): ${r.stderr}`);
  return parseSnapshot(JSON.parse(r.stdout));
}

const LAB = sh('docker', ['ps', '--filter', 'label=netatlas.lab=1', '--format', '{{.ID}}'])
  .split('\n')
  .filter(Boolean);

/**
 * The lab's part of a snapshot, without what moves between two reads a moment apart (counters, timings) and what
 * other engineers' work on this machine changes meanwhile (their containers, the host's own listeners and rules).
 */
function labView(s: Snapshot) {
  const lab = new Set((s.docker?.containers ?? []).filter((c) => LAB.some((id) => c.id.startsWith(id))).map((c) => c.id));
  const strip = (k: string, v: unknown) => (k === 'counters' ? undefined : v);
  const namespaces = s.namespaces
    .filter((n) => n.kind === 'host' || n.kind === 'named' || n.containers.some((c) => lab.has(c)))
    .map((n) =>
      n.kind === 'host'
        ? // Either PID 1's path or the collecting process's own (a different pid each run).
          { id: n.id, kind: n.kind, path: n.path === '/proc/1/ns/net' ? n.path : n.path?.replace(/^\/proc\/\d+\//, '/proc/SELF/') }
        : { ...n, containers: n.containers.filter((c) => lab.has(c)).sort(), netfilter: n.kind === 'named' ? null : n.netfilter },
    );
  const containers = (s.docker?.containers ?? []).filter((c) => lab.has(c.id));
  const labIps = new Set(containers.flatMap((c) => c.endpoints.map((e) => e.ipv4).filter(Boolean)));
  const proxies = s.dockerProxies.filter((p) => labIps.has(p.containerIp)).map((p) => ({ ...p, pid: 0 }));
  return JSON.parse(JSON.stringify({ namespaces, containers, proxies }, strip));
}

beforeAll(() => {
  expect(LAB.length, 'the lab is up (bash e2e/lab/lab.sh up)').toBeGreaterThan(5);
  dir = mkdtempSync(join(tmpdir(), 'netatlas-hostpaths-'));
  for (const d of ['proc', 'docker-netns', 'netns']) mkdirSync(join(dir, d));
  writeFileSync(join(dir, 'docker.sock'), '');
  const told = {
    NETATLAS_PROC_ROOT: join(dir, 'proc'),
    NETATLAS_DOCKER_NETNS: join(dir, 'docker-netns'),
    NETATLAS_NETNS_DIR: join(dir, 'netns'),
    DOCKER_HOST: `unix://${join(dir, 'docker.sock')}`,
  };
  onHost = snapshotIn({}, false);
  contained = snapshotIn(told, true);
  // The same place without the settings: what the test would see if they were ignored.
  containedUntold = snapshotIn({ DOCKER_HOST: told.DOCKER_HOST }, true);
  // Docker's directory without its namespace mounts (a plain --bind: what a container without mount propagation
  // sees of namespaces made after it started): each sandbox file is an empty file there.
  containedUnpropagated = snapshotIn({ ...told, NETNS_BIND: '--bind' }, true);
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the collector with the host mounted elsewhere (an agent in a container)', () => {
  it('sees the lab exactly as it does on the host: namespaces, their paths, interfaces, listeners and processes, docker-proxy', () => {
    const want = labView(onHost);
    expect(want.namespaces.length).toBeGreaterThan(5);
    expect(want.proxies.length).toBeGreaterThan(0);
    expect(labView(contained)).toEqual(want);
  });

  it('names the host paths, never where they were mounted', () => {
    const paths = contained.namespaces.map((n) => n.path);
    expect(paths.length).toBeGreaterThan(5);
    expect(paths.filter((p) => p?.startsWith(dir))).toEqual([]);
    // PID 1 of the host, or this process by its host pid (not its pid in its own PID namespace, 1 or 2).
    expect(contained.namespaces.find((n) => n.kind === 'host')?.path).toMatch(/^\/proc\/(1|[0-9]{3,})\/ns\/net$/);
  });

  it("finds the namespace files no container owns (swarm's overlay, ingress_sbox, lb_) through the moved directory", () => {
    const sandboxes = (s: Snapshot) => s.namespaces.filter((n) => n.kind === 'other' && n.path?.startsWith('/var/run/docker/netns/')).map((n) => n.path!);
    // Other engineers' work may remove one between the reads: those still there afterwards must be in both.
    const stay = sandboxes(onHost).filter((p) => spawnSync('test', ['-e', p]).status === 0);
    expect(sandboxes(contained)).toEqual(expect.arrayContaining(stay));
  });

  it('sandbox files that are not namespaces there (no mount propagation): each container is found through its process instead', () => {
    const ids = (s: Snapshot) => labView(s).namespaces.map((n: { id: string; containers?: string[] }) => `${n.id} ${n.containers?.join(',') ?? ''}`);
    expect(ids(containedUnpropagated)).toEqual(ids(onHost));
    const api = containedUnpropagated.namespaces.filter((n) => n.kind === 'container' && n.containers.some((c) => LAB.some((id) => c.startsWith(id))));
    expect(api.length).toBeGreaterThan(5);
    expect(api.every((n) => /^\/proc\/\d+\/ns\/net$/.test(n.path ?? ''))).toBe(true);
  });

  it('without the settings, the same place sees far less: the test can tell', () => {
    const untold = labView(containedUntold);
    expect(untold.proxies).toEqual([]);
    expect(untold.namespaces.filter((n: { kind: string }) => n.kind !== 'host').length).toBeLessThan(labView(onHost).namespaces.length - 1);
  });

  it('refuses a relative setting with a clear error', () => {
    const r = spawnSync(process.execPath, [join(root, 'bin/netatlas.mjs'), 'snapshot', '--json'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NETATLAS_PROC_ROOT: 'host/proc' },
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("NETATLAS_PROC_ROOT: 'host/proc' is not an absolute path");
  });
});
