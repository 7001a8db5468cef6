/**
 * npm run bench:collect [-- 10 100 300]
 *
 * For each N: start N busybox containers (spread over three bench networks inside 198.18.0.0/15), then measure in a
 * fresh child process (so peak RSS is per N) that runs in a PID namespace of its own (`unshare --pid --fork`), where
 * /proc/sys/kernel/ns_last_pid counts exactly the processes it started:
 *   snapshot   a full one-shot collection on the native reader (median of 3), and the processes it started; of those,
 *              `tools` are the iptables-save/ip6tables-save runs (iptables-nft has no library to save with)
 *   shell      the same snapshot on the shell path (NETATLAS_READER=shell, what netatlas did before), and its processes
 *   raw        today's spawn path done plainly (Docker API list + inspect, one nsenter+sh per namespace running the
 *              same commands), with no parsing, joining or validation
 *   repeat     a second snapshot from a watching collector with nothing changed (median of 5), and its processes;
 *              idle: the same while host rule counters up to a minute old will do (the hub while nobody watches)
 *   no-listen  the full snapshot with listeners off (no sock_diag, no /proc/PID/fd walk), alternated with the
 *              snapshot runs above: the listeners' cost is snapshot / no-listen (issue #11: <= 1.10)
 *   validate   zod validation of one snapshot; json: JSON.stringify of it (what the hub's fingerprint costs)
 * and where the time of the full snapshot and of the repeat goes (the collector's `phases`: Docker API, the /proc
 * scan, finding namespaces, all namespace reads and the host's among them, assembly; see Collector.phases).
 * BENCH_QUICK=1 skips the shell path, the raw reads and the first picture (the slow parts at 300).
 * and then, in this process, the first picture: exec of a fresh `netatlas serve` (port BENCH_PORT, 4250) → the
 * graph drawn with every container in headless chromium (`first-picture.ts`; `npm run bench:first` splits it).
 * Targets (issue #12), 300 containers: snapshot <= 1.5 s; processes <= 10% of the shell path's; repeat <= 150 ms;
 * first picture <= 3 s.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Snapshot } from '../../lib/snapshot/schema';
import { Collector, collectSnapshot } from '../collect/collector';
import { benchContainers, docker, IMAGE } from './bench-containers';
import { firstPicture } from './first-picture';
import { rawReads } from './raw-reads';

const { ensure: ensureContainers, removeAll } = benchContainers('collect', 120);
const PORT = Number(process.env.BENCH_PORT ?? 4250);

const QUICK = !!process.env.BENCH_QUICK;
type Row = Record<string, number> & { phases: Record<string, number>; repeatPhases: Record<string, number> };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (t0: number) => performance.now() - t0;
/** Processes (and threads) started in this PID namespace so far. */
const lastPid = () => Number(readFileSync('/proc/sys/kernel/ns_last_pid', 'utf8'));

/** Time and processes of one call. */
async function counted<T>(f: () => Promise<T>): Promise<{ ms: number; procs: number; value: T }> {
  const p0 = lastPid();
  const t0 = performance.now();
  const value = await f();
  return { ms: ms(t0), procs: lastPid() - p0, value };
}

async function child(n: number) {
  const runs = n >= 100 ? 1 : 3;
  await collectSnapshot(); // warm-up: module loading, libuv's threads (they take PIDs too)
  const raw: number[] = [];
  for (let i = 0; i < (QUICK ? 0 : runs); i++) raw.push((await counted(rawReads)).ms);
  const shell = QUICK ? { ms: NaN, procs: NaN } : await counted(() => collectSnapshot({ reader: 'shell' }));
  const snaps: { ms: number; procs: number; tools: number; phases: Collector['phases'] }[] = [];
  const unlistened: number[] = [];
  let last: Snapshot | null = null;
  for (let i = 0; i < 3; i++) {
    // Listeners on and off alternate, so load that comes and goes hits both alike.
    const off = new Collector({ listeners: false });
    unlistened.push((await counted(() => off.snapshot())).ms);
    await off.close();
    const c = new Collector();
    const r = await counted(() => c.snapshot());
    snaps.push({ ms: r.ms, procs: r.procs, tools: c.nativeToolProcesses, phases: { ...c.phases } });
    await c.close();
    last = r.value;
  }
  const native = snaps.sort((a, b) => a.ms - b.ms)[1];
  const containers = last!.docker?.containers.length ?? 0;
  const namespaces = last!.namespaces.length;
  const fallbacks = last!.host.problems.filter((p) => p.source === 'reader').length;
  let t0 = performance.now();
  Snapshot.parse(last);
  const validate = ms(t0);
  t0 = performance.now();
  JSON.stringify(last);
  const json = ms(t0);

  const watching = new Collector();
  watching.watch();
  await new Promise((r) => setTimeout(r, 500)); // let the watchers connect
  await watching.snapshot();
  const repeats: { ms: number; procs: number; phases: Collector['phases'] }[] = [];
  for (let i = 0; i < 5; i++) repeats.push({ ...(await counted(() => watching.snapshot())), phases: { ...watching.phases } });
  // What the hub does while nobody watches: host rule counters up to a minute old (see SnapshotOptions).
  const idle: number[] = [];
  for (let i = 0; i < 5; i++) idle.push((await counted(() => watching.snapshot({ countersMaxAgeMs: 60_000 }))).ms);
  await watching.close();
  const repeat = repeats.sort((a, b) => a.ms - b.ms)[2];
  const rssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(
    JSON.stringify({
      n, containers, namespaces, fallbacks,
      snapshot: native.ms, procs: native.procs, tools: native.tools,
      shell: shell.ms, shellProcs: shell.procs,
      raw: raw.length ? median(raw) : NaN, repeat: repeat.ms, repeatProcs: repeat.procs, validate, json, rssMb,
      noListen: median(unlistened), idleRepeat: median(idle), phases: native.phases, repeatPhases: repeat.phases,
    }) + '\n',
  );
  process.exit(0);
}

async function main() {
  const ns = process.argv.slice(2).map(Number).filter((x) => x > 0);
  const sizes = ns.length ? ns : [10, 100, 300];
  docker('image', 'inspect', IMAGE); // the lab image: run `npm run lab:up` (or `bash e2e/lab/lab.sh image`) first
  if (!QUICK && spawnSync('test', ['-f', '.next/BUILD_ID']).status !== 0) execFileSync('npx', ['next', 'build'], { stdio: 'inherit' });
  const rows: Row[] = [];
  try {
    for (const n of sizes) {
      const t0 = performance.now();
      ensureContainers(n);
      process.stderr.write(`bench: ${n} bench containers running (setup ${(ms(t0) / 1000).toFixed(1)} s)\n`);
      const r = spawnSync('unshare', ['--pid', '--fork', process.execPath, '--import', 'tsx', import.meta.filename, '--child', String(n)], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const row = JSON.parse(r.stdout.trim().split('\n').pop()!);
      row.picture = QUICK ? NaN : (await firstPicture(row.containers, PORT)).picture;
      process.stderr.write(`bench: ${JSON.stringify(row)}\n`);
      rows.push(row);
    }
  } finally {
    removeAll();
  }
  const f = (x: number | null, w = 8) => (x === null || Number.isNaN(x) ? '-' : x.toFixed(0)).padStart(w);
  console.log('\n   N  ctrs   ns  snapshot ms  procs (tools)  shell ms  shell procs   raw ms  repeat ms (procs)  picture ms  validate ms  RSS MB');
  for (const r of rows) {
    console.log(
      `${f(r.n, 4)}  ${f(r.containers, 4)} ${f(r.namespaces, 4)}  ${f(r.snapshot, 11)}  ${f(r.procs, 5)} (${f(r.tools, 4)})  ${f(r.shell)}  ${f(r.shellProcs, 11)}  ${f(r.raw, 7)}  ${f(r.repeat, 9)} (${f(r.repeatProcs, 5)})  ${f(r.picture, 10)}  ${f(r.validate, 11)}  ${f(r.rssMb, 6)}`,
    );
  }
  console.log('\n   N  listeners: snapshot ms  off ms  ratio (target <= 1.10)   idle repeat ms');
  for (const r of rows) console.log(`${f(r.n, 4)}  ${f(r.snapshot, 21)}  ${f(r.noListen, 6)}  ${(r.snapshot / r.noListen).toFixed(2).padStart(5)}  ${f(r.idleRepeat, 30)}`);
  const names = Object.keys(rows[0]?.phases ?? {});
  console.log(`\nwhere the time goes (ms; docker, proc and namespaces overlap; host is inside namespaces)\n   N  run     ${names.map((x) => x.padStart(11)).join('')}  validate      json`);
  for (const r of rows) {
    console.log(`${f(r.n, 4)}  full    ${names.map((x) => f(r.phases[x], 11)).join('')}  ${f(r.validate)}  ${f(r.json)}`);
    console.log(`${f(r.n, 4)}  repeat  ${names.map((x) => f(r.repeatPhases[x], 11)).join('')}`);
  }
  console.log('\ntargets at 300: snapshot <= 1500 ms; procs <= 10% of shell procs; repeat <= 150 ms; first picture <= 3000 ms; listeners <= 1.10');
  if (rows.some((r) => r.fallbacks)) console.log('note: some namespaces fell back to the shell path (see problems with source "reader")');
}

if (process.argv[2] === '--child') void child(Number(process.argv[3]));
else void main();
