/**
 * npm run bench:bigdump [-- MEGABYTES]
 *
 * `netatlas rules --file` on a 50 MB iptables-save dump (./bigdump.ts, deterministic) as a child process, its
 * output read through a pipe like a pager would and counted. Prints wall and CPU time (the machine may be shared), peak RSS (GNU time's maximum
 * resident set size), a bare node's peak RSS, and (peak − bare) / dump size against the target of ≤ 5×.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCli, ROOT } from '../../scripts/build-cli.mjs';
import { writeBigDump } from './bigdump';

const TARGET = 5;

/** Runs argv under GNU time; resolves with wall ms, peak RSS in bytes, stdout byte count and exit status. */
function measure(argv: string[], timeFile: string): Promise<{ ms: number; cpu: number; peak: number; outBytes: number; status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('/usr/bin/time', ['-o', timeFile, '-f', '%M %U %S', ...argv], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let outBytes = 0;
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (outBytes += b.length));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      const [kb, user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
      resolve({ ms: performance.now() - t0, cpu: user + sys, peak: kb * 1024, outBytes, status, stderr });
    });
  });
}

async function main() {
  const mb = Number(process.argv[2] ?? 50);
  await buildCli();
  const dir = mkdtempSync(join(tmpdir(), 'netatlas-bigdump-'));
  try {
    const file = join(dir, 'big.iptables-save');
    const dump = await writeBigDump(file, mb * 1e6);
    const timeFile = join(dir, 'time');
    const bare = await measure([process.execPath, '-e', '0'], timeFile);
    const run = await measure([process.execPath, join(ROOT, 'bin/netatlas.mjs'), 'rules', '--file', file], timeFile);
    if (run.status !== 0) throw new Error(`netatlas rules exited ${run.status}: ${run.stderr.slice(0, 2000)}`);
    const ratio = (run.peak - bare.peak) / dump.bytes;
    const MB = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
    console.log(`dump: ${MB(dump.bytes)}, ${dump.rules} rules; output ${MB(run.outBytes)}`);
    console.log(`netatlas rules --file: ${(run.ms / 1000).toFixed(1)} s wall, ${run.cpu.toFixed(1)} s CPU, peak RSS ${MB(run.peak)}`);
    console.log(`bare node -e 0: peak RSS ${MB(bare.peak)}`);
    console.log(`(peak − bare) / dump size = ${ratio.toFixed(2)}×  target ≤ ${TARGET}×  ${ratio <= TARGET ? 'met' : 'MISSED'}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
