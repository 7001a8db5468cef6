import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { firstEvent, get, serve } from './serve.test-helper';

// Read-only, proven: netatlas's Docker traffic goes through a recording proxy, and the host's firewall and links
// are compared before and after a session. A session is the real server (page, API, live stream with the hub
// re-reading on Docker events) plus the CLI commands that read the host. The before/after comparison needs a
// host nobody else changes meanwhile (a full suite run); another user's `docker run` shows up as a difference.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const sh = (cmd: string, ...args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

/** A unix-socket HTTP proxy to the real dockerd that records every request's method and path. */
function recordingDockerProxy(path: string): Promise<{ server: Server; seen: { method: string; path: string }[] }> {
  const seen: { method: string; path: string }[] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method!, path: req.url! });
    const upstream = request({ socketPath: '/var/run/docker.sock', method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode!, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  rmSync(path, { force: true });
  return new Promise((resolve) => server.listen(path, () => resolve({ server, seen })));
}

/** The host's network state with everything that moves by itself (counters, timers, dump dates) taken out. */
function hostState(): Record<string, string> {
  return {
    iptables: sh('iptables-save').replace(/^#.*\n/gm, '').replace(/\[\d+:\d+\]/g, '[0:0]'),
    ip6tables: sh('ip6tables-save').replace(/^#.*\n/gm, '').replace(/\[\d+:\d+\]/g, '[0:0]'),
    nft: sh('nft', 'list', 'ruleset').replace(/counter packets \d+ bytes \d+/g, 'counter'),
    links: sh('ip', '-d', 'link').replace(/\b(\w+_timer) +[\d.]+/g, '$1'),
  };
}

async function session(port: number, env: Record<string, string>, duringStream?: () => Promise<void>) {
  const server = await serve(['--host', '127.0.0.1', '--port', String(port)], env);
  try {
    const base = `http://127.0.0.1:${port}`;
    for (const route of ['/', '/summary', '/api/trpc/snapshot.current']) expect((await get(`${base}${route}`)).status, route).toBe(200);
    const stream = await firstEvent(`${base}/api/trpc/live.revisions`);
    try {
      expect(stream.event).toBe('message');
      await duringStream?.();
    } finally {
      stream.close();
    }
  } finally {
    expect(await server.stop()).toBe(0);
  }
  // Not execFileSync: the recording proxy lives in this process and must keep answering.
  const cli = async (...args: string[]) =>
    (await promisify(execFile)(process.execPath, ['bin/netatlas.mjs', ...args], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })).stdout;
  expect(JSON.parse(await cli('snapshot', '--json')).docker.containers.length).toBeGreaterThan(0);
  await cli('rules', '--all', '--json');
  await cli('trace', '--from', 'lab-api', '--to', 'lab-db:80', '--json');
}

const SOCK = `/tmp/netatlas-i10-docker-${process.pid}.sock`;
afterAll(() => {
  rmSync(SOCK, { force: true });
  execFileSync('sh', ['-c', 'docker rm -f lab-readonly-test >/dev/null 2>&1 || true']);
});

describe('netatlas is read-only', () => {
  it('makes only GET/HEAD requests to the Docker API during a full run, live hub and Docker events included', { timeout: 300_000 }, async () => {
    const { server, seen } = await recordingDockerProxy(SOCK);
    try {
      await session(4267, { DOCKER_HOST: `unix://${SOCK}` }, async () => {
        // A container coming and going makes the hub inspect it and re-read: the event-driven paths run too.
        await promisify(execFile)('docker', ['run', '-d', '--name', 'lab-readonly-test', '--label', 'netatlas.lab=1', '--network', 'netatlas-lab-a', 'netatlas-lab/busybox:1']);
        await expect.poll(() => seen.some((r) => r.path.includes('/containers/') && r.path.includes('/json') && !r.path.startsWith('/containers/json')), { timeout: 30_000 }).toBe(true);
        await promisify(execFile)('docker', ['rm', '-f', 'lab-readonly-test']);
      });
    } finally {
      await new Promise((resolve) => (server.closeAllConnections(), server.close(resolve)));
    }
    const paths = seen.map((r) => r.path.replace(/\?.*/, '').replace(/^\/v[\d.]+/, ''));
    for (const p of ['/version', '/networks', '/containers/json', '/events']) expect(paths, p).toContain(p);
    expect(seen.filter((r) => r.method !== 'GET' && r.method !== 'HEAD')).toEqual([]);
  });

  it("leaves the host's iptables, nftables and links as they were", { timeout: 300_000 }, async () => {
    const before = hostState();
    await session(4268, {});
    const after = hostState();
    for (const key of Object.keys(before)) expect(after[key], key).toBe(before[key]);
  });
});
