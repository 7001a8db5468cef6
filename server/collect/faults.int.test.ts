import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSnapshot, type Snapshot } from '../../lib/snapshot/schema';
import { Collector, collectSnapshot } from './collector';

// Partial failure is normal: every fault here must give a valid snapshot with a clear problem, never a crash.

const root = join(import.meta.dirname, '../..');
const NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups'];

/** A checkout user nobody can read: this one, or (when it sits under a private directory) a copy in /tmp. */
function checkoutForNobody(): string {
  if (spawnSync('setpriv', [...NOBODY, 'test', '-r', join(root, 'bin/netatlas.mjs')]).status === 0) return root;
  const dir = mkdtempSync(join(tmpdir(), 'netatlas-nobody-'));
  execFileSync('cp', ['-a', ...['bin', 'lib', 'server', 'node_modules', 'package.json', 'tsconfig.json'].map((f) => join(root, f)), dir]);
  chmodSync(dir, 0o755);
  return dir;
}

const cli = (args: string[], opts: { env?: NodeJS.ProcessEnv; user?: boolean } = {}) => {
  const cmd = opts.user ? 'setpriv' : process.execPath;
  const argv = opts.user ? [...NOBODY, process.execPath, 'bin/netatlas.mjs', ...args] : ['bin/netatlas.mjs', ...args];
  const cwd = opts.user ? checkoutForNobody() : root;
  return spawnSync(cmd, argv, { cwd, env: opts.env ?? process.env, encoding: 'utf8', maxBuffer: 256 << 20 });
};
const problemText = (s: Snapshot) => s.host.problems.map((p) => `${p.source}: ${p.message}`).join('\n');

describe('faults', () => {
  it('without Docker: a host-only snapshot that says why', async () => {
    const s = parseSnapshot(await collectSnapshot({ dockerHost: 'unix:///nonexistent/docker.sock' }));
    expect(s.docker).toBeNull();
    expect(s.host.docker.reachable).toBe(false);
    expect(problemText(s)).toMatch(/Docker is not reachable at unix:\/\/\/nonexistent\/docker.sock: no such socket/);
    const host = s.namespaces.find((n) => n.kind === 'host')!;
    expect(host.interfaces.some((i) => i.name === 'docker0')).toBe(true);
    expect(host.netfilter?.ipv4?.tables.length).toBeGreaterThan(0);
  });

  it('without root: the CLI still answers, and says the snapshot is partial', () => {
    const r = cli(['snapshot', '--json'], { user: true, env: { ...process.env, HOME: '/tmp' } });
    expect(r.stderr).not.toMatch(/Error:/);
    expect(r.status).toBe(0);
    const s = parseSnapshot(JSON.parse(r.stdout));
    expect(problemText(s)).toMatch(/not running as root/);
    expect(problemText(s)).toMatch(/permission denied/);
    expect(s.namespaces.find((n) => n.kind === 'host')!.interfaces.length).toBeGreaterThan(1);
  });

  it('with iptables and nft missing: rules are null and the problems name the tools', () => {
    const bin = mkdtempSync(join(tmpdir(), 'netatlas-path-'));
    // Every tool on this machine but iptables and nft (the collector's others — setpriv, mktemp… — stay).
    const linked = new Set<string>();
    for (const dir of ['/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
      for (const tool of existsSync(dir) ? readdirSync(dir) : []) {
        if (/^(iptables|ip6tables|nft|xtables)/.test(tool) || linked.has(tool)) continue;
        linked.add(tool);
        symlinkSync(join(dir, tool), join(bin, tool));
      }
    }
    // The shell path runs the tools themselves: both missing are named.
    const r = cli(['snapshot', '--json'], { env: { ...process.env, PATH: bin, NETATLAS_READER: 'shell' } });
    expect(r.status).toBe(0);
    const s = parseSnapshot(JSON.parse(r.stdout));
    const host = s.namespaces.find((n) => n.kind === 'host')!;
    expect(host.netfilter?.ipv4).toBeNull();
    expect(problemText(s)).toMatch(/iptables-save: not installed/);
    expect(problemText(s)).toMatch(/nft: not installed/);
    expect(host.interfaces.length).toBeGreaterThan(1);
    // The native reader lists nftables through libnftables, with no nft binary: only iptables-save is missed.
    const native = cli(['snapshot', '--json'], { env: { ...process.env, PATH: bin } });
    expect(native.status).toBe(0);
    const n = parseSnapshot(JSON.parse(native.stdout));
    expect(problemText(n)).toMatch(/iptables-save: not installed/);
    expect(problemText(n)).not.toMatch(/nft: not installed/);
  });

  it('containers removed while a snapshot is being taken are skipped or reported, never half-joined', async () => {
    const names = Array.from({ length: 6 }, (_, i) => `lab-fault-${i}`);
    for (let round = 0; round < 3; round++) {
      for (const n of names) {
        execFileSync('docker', ['run', '-d', '--name', n, '--label', 'netatlas.lab=1', '--network', 'netatlas-lab-b', 'netatlas-lab/busybox:1']);
      }
      const removal = new Promise<void>((resolve) => {
        setTimeout(() => {
          spawnSync('docker', ['rm', '-f', ...names]);
          resolve();
        }, round * 15);
      });
      const [snap] = await Promise.all([collectSnapshot(), removal]);
      const s = parseSnapshot(snap);
      for (const c of s.docker!.containers.filter((x) => names.includes(x.name))) {
        // Either fully read (namespace found and joined) or explicitly reported.
        const reported = s.host.problems.some((p) => p.subject === c.id || p.message.includes(c.name));
        const joined = c.namespaceId !== null && c.endpoints.every((e) => e.hostInterface !== null);
        expect(joined || reported || c.state !== 'running', `${c.name} in round ${round}`).toBe(true);
      }
    }
  });
});

describe('dockerd stopping and coming back', () => {
  afterAll(() => {
    execFileSync('bash', [join(root, 'scripts/ensure-docker.sh')], { stdio: 'inherit' });
    execFileSync('bash', [join(root, 'e2e/lab/lab.sh'), 'up'], { stdio: 'inherit' });
  }, 300_000);

  it('a watching collector reports Docker gone, keeps the host, and reconnects when it is back', async () => {
    const c = new Collector();
    const states: string[] = [];
    c.on('docker-state', (s: string) => states.push(s));
    c.watch();
    try {
      await expect.poll(() => states.includes('connected'), { timeout: 30_000 }).toBe(true);
      expect((await c.snapshot()).docker).not.toBeNull();

      execFileSync('sh', ['-c', 'pkill -TERM -x dockerd; for i in $(seq 100); do pgrep -x dockerd >/dev/null || exit 0; sleep 0.2; done; exit 1']);
      await expect.poll(() => states.at(-1), { timeout: 30_000 }).toBe('reconnecting');
      const down = parseSnapshot(await c.snapshot());
      expect(down.docker).toBeNull();
      expect(problemText(down)).toMatch(/Docker is not reachable/);
      expect(down.namespaces.find((n) => n.kind === 'host')!.interfaces.length).toBeGreaterThan(1);

      execFileSync('bash', [join(root, 'scripts/ensure-docker.sh')]);
      // The watcher retries with backoff (up to 30 s between tries), so allow one full step after dockerd is up.
      await expect.poll(() => states.at(-1), { timeout: 60_000, interval: 250 }).toBe('connected');
      expect((await c.snapshot()).docker).not.toBeNull();
    } finally {
      c.close();
    }
  }, 180_000);
});
