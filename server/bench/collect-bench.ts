/**
 * npm run bench:collect [-- 10 100 300]
 *
 * For each N: start N busybox containers (spread over three bench networks inside 198.18.0.0/15), then measure in a
 * fresh child process (so peak RSS is per N):
 *   snapshot   a full one-shot collection (median of 3)
 *   raw        the same raw reads done plainly (Docker API list + inspect, one nsenter+sh per namespace running
 *              the same commands), with no parsing, joining or validation (median of 3)
 *   repeat     a second snapshot from a watching collector with nothing changed (median of 5)
 *   validate   zod validation of one snapshot
 * Targets (issue #2): 300 containers: snapshot <= 1.5 s and <= 1.5x raw; repeat <= 150 ms.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { Snapshot } from '../../lib/snapshot/schema';
import { Collector, collectSnapshot } from '../collect/collector';
import { rawReads } from './raw-reads';

const IMAGE = 'netatlas-lab/busybox:1';
const LABEL = 'netatlas.bench=1';
const NETS = [0, 1, 2].map((i) => ({ name: `netatlas-bench-${i}`, subnet: `198.18.${10 + i}.0/24` }));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (t0: number) => performance.now() - t0;
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();

function ensureContainers(n: number) {
  for (const net of NETS) {
    if (spawnSync('docker', ['network', 'inspect', net.name]).status !== 0) {
      docker('network', 'create', '--label', LABEL, '--subnet', net.subnet, net.name);
    }
  }
  const ids = docker('ps', '-aq', '--filter', `label=${LABEL}`).split('\n').filter(Boolean);
  if (ids.length > n) execFileSync('sh', ['-c', 'xargs -n 50 docker rm -f >/dev/null'], { input: ids.slice(n).join('\n') });
  const have = Math.min(ids.length, n);
  const missing = Array.from({ length: Math.max(0, n - have) }, (_, i) => have + i);
  // Four docker CLIs at a time: dockerd serialises much of the work anyway.
  execFileSync('sh', ['-c', `xargs -P 4 -I{} sh -c 'docker run -d --label ${LABEL} --network netatlas-bench-$(({} % 3)) ${IMAGE} >/dev/null'`], {
    input: missing.join('\n'),
  });
}

function removeAll() {
  const ids = docker('ps', '-aq', '--filter', `label=${LABEL}`).split('\n').filter(Boolean);
  if (ids.length) execFileSync('sh', ['-c', 'xargs -n 50 docker rm -f >/dev/null'], { input: ids.join('\n') });
  for (const net of NETS) spawnSync('docker', ['network', 'rm', net.name]);
}

async function child(n: number) {
  const snapshotTimes: number[] = [];
  const rawTimes: number[] = [];
  let last: Snapshot | null = null;
  for (let i = 0; i < 3; i++) {
    let t0 = performance.now();
    await rawReads();
    rawTimes.push(ms(t0));
    t0 = performance.now();
    last = await collectSnapshot();
    snapshotTimes.push(ms(t0));
  }
  const containers = last!.docker?.containers.length ?? 0;
  const namespaces = last!.namespaces.length;
  let t0 = performance.now();
  Snapshot.parse(last);
  const validate = ms(t0);

  const watching = new Collector();
  watching.watch();
  await new Promise((r) => setTimeout(r, 500)); // let the watchers connect
  await watching.snapshot();
  const repeats: number[] = [];
  for (let i = 0; i < 5; i++) {
    t0 = performance.now();
    await watching.snapshot();
    repeats.push(ms(t0));
  }
  watching.close();
  const rssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(
    JSON.stringify({ n, containers, namespaces, snapshot: median(snapshotTimes), raw: median(rawTimes), repeat: median(repeats), validate, rssMb }) + '\n',
  );
  process.exit(0);
}

async function main() {
  const ns = process.argv.slice(2).map(Number).filter((x) => x > 0);
  const sizes = ns.length ? ns : [10, 100, 300];
  docker('image', 'inspect', IMAGE); // the lab image: run `npm run lab:up` (or `bash e2e/lab/lab.sh image`) first
  const rows: Record<string, number>[] = [];
  try {
    for (const n of sizes) {
      const t0 = performance.now();
      ensureContainers(n);
      process.stderr.write(`bench: ${n} bench containers running (setup ${(ms(t0) / 1000).toFixed(1)} s)\n`);
      const r = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--child', String(n)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      rows.push(JSON.parse(r.stdout.trim().split('\n').pop()!));
    }
  } finally {
    removeAll();
  }
  const f = (x: number) => x.toFixed(0).padStart(8);
  console.log('\n   N  containers  namespaces  snapshot ms    raw ms   ratio  repeat ms  validate ms  peak RSS MB');
  for (const r of rows) {
    console.log(
      `${String(r.n).padStart(4)}  ${String(r.containers).padStart(10)}  ${String(r.namespaces).padStart(10)}  ${f(r.snapshot)}    ${f(r.raw)}  ${(r.snapshot / r.raw).toFixed(2).padStart(6)}  ${f(r.repeat)}     ${f(r.validate)}     ${f(r.rssMb)}`,
    );
  }
  console.log('\ntargets at 300: snapshot <= 1500 ms, ratio <= 1.5, repeat <= 150 ms');
}

if (process.argv[2] === '--child') void child(Number(process.argv[3]));
else void main();
