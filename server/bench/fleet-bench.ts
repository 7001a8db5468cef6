// Hub ingest for a simulated fleet: `npm run bench:fleet [-- --hosts 50 --containers 100 --seconds 30]`.
// A private PostgreSQL cluster (127.0.0.1:54343) and a real hub process (`netatlas hub`, port 4343); this process
// plays every agent (the Agent class, one per host, each state = the last with every published port's counters
// moved: what a quiet host sends each second). Prints the hub's and PostgreSQL's CPU, the write rate and sizes.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ruledHost, withTraffic } from '../../lib/history/corpus.test-helper';
import { startPgCluster } from '../history/pg-cluster.test-helper';
import { Agent } from '../fleet/agent';
import { hashToken } from '../fleet/tokens';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const HOSTS = arg('hosts', 50);
const CONTAINERS = arg('containers', 100);
const SECONDS = arg('seconds', 30);
const PORT = 4343;
const root = join(import.meta.dirname, '../..');

/** utime + stime of a process, in clock ticks (100 per second here). */
const cpuOf = (pid: number) => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
};
/** The cluster's processes: the postmaster and its children. */
const pgPids = (postmaster: number) =>
  [postmaster, ...readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((p) => {
    try {
      return Number(readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ')[1]) === postmaster;
    } catch {
      return false;
    }
  })];

const cluster = startPgCluster(54343);
const dir = mkdtempSync(join(tmpdir(), 'netatlas-fleet-bench-'));
const pool = new pg.Pool({ connectionString: cluster.url, max: 2 });
const hub = spawn(process.execPath, [join(root, 'bin/netatlas.mjs'), 'hub', '--pg', cluster.url, '--tokens', join(dir, 'tokens.json'), '--port', String(PORT)], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
try {
  const tokens = Array.from({ length: HOSTS }, (_, i) => `bench-token-${i}-${'x'.repeat(16)}`);
  writeFileSync(join(dir, 'tokens.json'), JSON.stringify(tokens.map((t, i) => ({ name: `agent-${i}`, scope: `agent:host-${i}`, sha256: hashToken(t) }))));
  await new Promise<void>((resolve, reject) => {
    hub.once('exit', (code) => reject(new Error(`hub exited with ${code}`)));
    hub.stdout!.on('data', (c: Buffer) => c.toString().includes('hub listening') && resolve());
  });
  const postmaster = Number(readFileSync(join(cluster.dir, 'data/postmaster.pid'), 'utf8').split('\n')[0]);
  const seed = ruledHost(CONTAINERS);
  const size = JSON.stringify(seed).length;
  const t0 = Date.now();
  const events = { collected: 0, acked: 0, failed: 0 };
  const agents = tokens.map((token, i) => {
    let s = structuredClone(seed);
    s.host.hostname = `host-${i}`;
    let n = 0;
    return new Agent({
      hub: `http://127.0.0.1:${PORT}`, host: `host-${i}`, token, intervalMs: 1000,
      log: (l) => {
        if (l.startsWith('collected')) events.collected++;
        else if (l.startsWith('acked')) events.acked++;
        else if (l.startsWith('send failed')) events.failed++;
      },
      collect: async () => {
        s = withTraffic(s, (c) => (c.ports.length ? 1 + ((n + i) % 3) : 0));
        s.host.collectedAt = new Date(t0 + ++n * 1000).toISOString();
        return s;
      },
    });
  });
  // Spread the agents over the second, as real hosts would be.
  agents.forEach((a, i) => setTimeout(() => a.start(), (i * 1000) / HOSTS));
  // Warm-up: every host's first (whole) snapshot stored.
  const hostsWithRows = async () => Number((await pool.query('SELECT COUNT(DISTINCT host) AS n FROM revisions')).rows[0].n);
  while ((await hostsWithRows()) < HOSTS) await new Promise((r) => setTimeout(r, 500));

  const sample = async () => {
    const r = (await pool.query(`SELECT (SELECT COUNT(*) FROM revisions) AS rows, (SELECT COALESCE(SUM(length(body)), 0) FROM revisions) AS bytes,
      pg_current_wal_lsn() - '0/0'::pg_lsn AS wal, pg_database_size(current_database()) AS db`)).rows[0];
    return {
      at: performance.now(), hub: cpuOf(hub.pid!), pg: pgPids(postmaster).reduce((n, p) => n + cpuOf(p), 0),
      self: process.cpuUsage(), rows: Number(r.rows), bytes: Number(r.bytes), wal: Number(r.wal), db: Number(r.db),
    };
  };
  const a = await sample();
  const e0 = { ...events };
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const b = await sample();
  for (const ag of agents) ag.stop();
  const e1 = { ...events };

  const secs = (b.at - a.at) / 1000;
  const cores = (t: number) => (t / 100 / secs).toFixed(2);
  const rows = b.rows - a.rows;
  const selfCpu = (b.self.user - a.self.user + b.self.system - a.self.system) / 1e6;
  console.log(`fleet ingest: ${HOSTS} hosts × ${CONTAINERS} containers (snapshot ${(size / 1024).toFixed(0)} KiB as JSON), one state per host per second, ${secs.toFixed(1)} s measured`);
  console.log(`  agents: ${((e1.collected - e0.collected) / secs).toFixed(1)} states/s collected, ${((e1.acked - e0.acked) / secs).toFixed(1)} requests/s acknowledged, ${e1.failed - e0.failed} failed sends`);
  console.log(`  revisions stored  ${(rows / secs).toFixed(1)}/s (expected ${HOSTS}/s), ${((b.bytes - a.bytes) / rows).toFixed(0)} B per revision (deflated delta)`);
  console.log(`  hub CPU           ${cores(b.hub - a.hub)} cores (${(((b.hub - a.hub) * 10) / Math.max(rows, 1)).toFixed(2)} ms per revision)`);
  console.log(`  PostgreSQL CPU    ${cores(b.pg - a.pg)} cores, WAL ${(((b.wal - a.wal) / secs) / 1024).toFixed(0)} KiB/s, database ${(b.db / 1024 / 1024).toFixed(1)} MiB`);
  console.log(`  agents (this process, all ${HOSTS}) ${(selfCpu / secs).toFixed(2)} cores; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]} on ${availableParallelism()} cores`);
} finally {
  hub.kill('SIGTERM');
  await new Promise((r) => hub.once('exit', r));
  await pool.end();
  cluster.stop();
  rmSync(dir, { recursive: true, force: true });
}
