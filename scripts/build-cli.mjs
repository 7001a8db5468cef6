// Builds the `netatlas` CLI: server/cli/main.ts bundled by esbuild into dist/cli/ (ESM, node20, npm packages left
// external, each command's code in its own chunk so `--help` loads almost nothing).
//
// Every output file is content-hashed and written atomically (temp file + rename), and the stamp naming the entry
// and the build's inputs is written last: CLI runs that build at the same moment (parallel tests) never read a
// half-written file. bin/netatlas.mjs reads the stamp and stats the inputs to decide whether to rebuild.
import { readdirSync, renameSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const OUT_DIR = join(ROOT, 'dist/cli');
export const STAMP = join(OUT_DIR, 'stamp.json');

/** Files besides the sources whose change means a rebuild (the alias map, installed package versions). */
const EXTRA_INPUTS = ['tsconfig.json', 'package-lock.json', 'scripts/build-cli.mjs'];

function writeAtomic(path, contents) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, contents);
  renameSync(tmp, path);
}

/** Bundles `entries` ({ outName: sourcePath }) into `outDir`; returns the entry files and every input, relative to ROOT. */
export async function bundle(entries, outDir) {
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: Object.entries(entries).map(([out, src]) => ({ out, in: src })),
    outdir: outDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    outExtension: { '.js': '.mjs' },
    sourcemap: 'linked',
    metafile: true,
    write: false,
    logLevel: 'warning',
  });
  mkdirSync(outDir, { recursive: true });
  for (const f of result.outputFiles) writeAtomic(f.path, f.contents);
  const outputs = result.metafile.outputs;
  const entryFiles = {};
  for (const [path, o] of Object.entries(outputs)) {
    if (!o.entryPoint) continue;
    const name = Object.entries(entries).find(([, src]) => src === o.entryPoint)?.[0];
    if (name) entryFiles[name] = relative(outDir, join(ROOT, path));
  }
  return { entryFiles, inputs: Object.keys(result.metafile.inputs), written: result.outputFiles.map((f) => basename(f.path)) };
}

/** Deletes earlier builds' files, except recent ones a CLI run that started before this build may still import. */
function prune(keep) {
  const cutoff = Date.now() - 10 * 60_000;
  for (const name of readdirSync(OUT_DIR)) {
    if (keep.has(name)) continue;
    const path = join(OUT_DIR, name);
    // A parallel build's temp file may be renamed away between the listing and the stat.
    const st = statSync(path, { throwIfNoEntry: false });
    if (st && st.mtimeMs < cutoff) rmSync(path, { force: true });
  }
}

export async function buildCli() {
  // Sources are compared with the time the build started: an edit made while it runs still counts as newer.
  const builtAt = Date.now();
  const { entryFiles, inputs, written } = await bundle({ netatlas: 'server/cli/main.ts' }, OUT_DIR);
  writeAtomic(STAMP, JSON.stringify({ builtAt, entry: entryFiles.netatlas, inputs: [...inputs, ...EXTRA_INPUTS] }) + '\n');
  prune(new Set([...written, 'stamp.json']));
  return join(OUT_DIR, entryFiles.netatlas);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const t0 = performance.now();
  const entry = await buildCli();
  process.stderr.write(`netatlas: built ${relative(ROOT, entry)} in ${Math.round(performance.now() - t0)} ms\n`);
}
