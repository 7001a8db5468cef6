/**
 * npm run bench:cli [-- RULES_FILE]
 *
 * Times the compiled `netatlas` CLI as whole processes, 10 runs of each (one warm-up first, the commands taken in
 * turn so drift hits them alike), beside what they cannot be faster than:
 *   node -e 0                  a bare node process
 *   netatlas --help            target <= 2x bare node
 *   netatlas rules --file F    a moby fixture (default below); target <= 3x bare node
 *   raw reads                  ./raw-reads.ts compiled like the CLI: node start, dockerode, the snapshot's reads
 *   netatlas snapshot --json   on the lab; target <= 2x raw reads
 * The CLI is built (or found up to date) first, so no run includes a build.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildCli, bundle, ROOT } from '../../scripts/build-cli.mjs';

const RUNS = 10;
const DEFAULT_RULES = join(ROOT, '../shared/fixtures/netfilter/moby-docs/docker-v28.3.0_iptablesdoc_usernet-portmap.iptables-S.txt');

interface Case { name: string; argv: string[]; baseline?: string; target?: number; times: number[] }

function time(argv: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(argv[0], argv.slice(1), { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

async function main() {
  const rulesFile = process.argv[2] ?? DEFAULT_RULES;
  if (!existsSync(rulesFile)) {
    process.stderr.write(`bench:cli: no rules file at ${rulesFile}; pass one: npm run bench:cli -- FILE\n`);
    process.exit(2);
  }
  await buildCli();
  const raw = await bundle({ 'raw-reads': 'server/bench/raw-reads-run.ts' }, join(ROOT, 'dist/bench'));
  const node = process.execPath;
  const cli = join(ROOT, 'bin/netatlas.mjs');
  const cases: Case[] = [
    { name: 'node -e 0', argv: [node, '-e', '0'], times: [] },
    { name: 'netatlas --help', argv: [node, cli, '--help'], baseline: 'node -e 0', target: 2, times: [] },
    { name: 'netatlas rules --file', argv: [node, cli, 'rules', '--file', rulesFile], baseline: 'node -e 0', target: 3, times: [] },
    { name: 'raw reads', argv: [node, join(ROOT, 'dist/bench', raw.entryFiles['raw-reads'])], times: [] },
    { name: 'netatlas snapshot --json', argv: [node, cli, 'snapshot', '--json'], baseline: 'raw reads', target: 2, times: [] },
  ];
  for (const c of cases) time(c.argv);
  for (let i = 0; i < RUNS; i++) for (const c of cases) c.times.push(time(c.argv));

  const sorted = (c: Case) => [...c.times].sort((a, b) => a - b);
  const median = (c: Case) => sorted(c)[Math.floor(RUNS / 2)];
  const byName = new Map(cases.map((c) => [c.name, c]));
  const pad = (s: string, n: number) => s.padStart(n);
  console.log(`\nrules file: ${rulesFile}\n`);
  console.log(`${'command'.padEnd(26)}  min ms  median ms  ratio (medians)             target`);
  for (const c of cases) {
    const base = c.baseline ? byName.get(c.baseline)! : null;
    const ratio = base ? `${(median(c) / median(base)).toFixed(2)}x ${c.baseline}` : '';
    const verdict = base && c.target ? `<= ${c.target}x  ${median(c) / median(base) <= c.target ? 'met' : 'MISSED'}` : '';
    console.log(`${c.name.padEnd(26)}  ${pad(sorted(c)[0].toFixed(0), 6)}  ${pad(median(c).toFixed(0), 9)}  ${ratio.padEnd(26)}  ${verdict}`);
  }
}

await main();
