import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';
import type { OfflineAssets } from '@/components/share/export-file';

/**
 * The offline page's app: components/offline/entry.tsx bundled for the browser by esbuild (React and the real
 * dashboard, `next/navigation` mapped to a small shim), and the Tailwind CSS compiled from the same sources Next
 * uses. Built on first use and kept in .netatlas/offline/ until one of its inputs changes.
 */

/** The checkout this code runs from (the CLI runs from any directory; Next runs this from .next/server/…). */
function findRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'netatlas') return dir;
  }
  return process.cwd();
}

const ROOT = findRoot();
const CACHE_DIR = join(ROOT, '.netatlas/offline');
const CACHE = join(CACHE_DIR, 'assets.json');

interface Cached extends OfflineAssets {
  builtAt: number;
  inputs: string[];
}

/**
 * zod's `z.locales` namespace holds every language's error messages (~300 kB minified, a third of the page) and
 * cannot be tree-shaken through `z`. The page speaks English, which zod installs by itself (classic/schemas.js).
 */
const englishOnlyZod: Plugin = {
  name: 'zod-english-only',
  setup(b) {
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      contents: 'export { default as en } from "./en.js";',
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

const CSS_ENTRY = `@import 'tailwindcss';\n@custom-variant dark (&:where(.dark, .dark *));\n`;

async function newestInput(inputs: string[]): Promise<number> {
  const times = await Promise.all(inputs.map((f) => stat(/*turbopackIgnore: true*/ join(ROOT, f)).then((s) => s.mtimeMs, () => Infinity)));
  return Math.max(0, ...times);
}

async function build(): Promise<Cached> {
  const builtAt = Date.now();
  // Loaded here: a server that never exports never loads the bundler.
  const [esbuild, { default: postcss }, { default: tailwind }] = await Promise.all([import('esbuild'), import('postcss'), import('@tailwindcss/postcss')]);
  const [bundle, css] = await Promise.all([
    esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: ['components/offline/entry.tsx'],
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      legalComments: 'none',
      jsx: 'automatic',
      alias: { 'next/navigation': './components/offline/navigation-shim.ts' },
      define: { 'process.env.NODE_ENV': '"production"' },
      metafile: true,
      plugins: [englishOnlyZod],
      logLevel: 'warning',
    }),
    postcss([tailwind({ base: ROOT, optimize: { minify: true } })]).process(CSS_ENTRY, { from: join(ROOT, 'app/offline.css') }),
  ]);
  const inputs = [...Object.keys(bundle.metafile.inputs).filter((f) => !f.startsWith('node_modules/')), 'package-lock.json', 'app/globals.css'];
  return { js: bundle.outputFiles[0].text, css: css.css, builtAt, inputs };
}

let memo: Promise<Cached> | null = null;

async function cachedOrBuilt(): Promise<Cached> {
  const cached = await readFile(CACHE, 'utf8').then((t) => JSON.parse(t) as Cached, () => null);
  // Component sources are also Tailwind's class sources, so the bundle's inputs cover both.
  if (cached && (await newestInput(cached.inputs)) < cached.builtAt) return cached;
  const fresh = await build();
  await mkdir(CACHE_DIR, { recursive: true });
  const tmp = `${CACHE}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(fresh));
  await rename(tmp, CACHE);
  return fresh;
}

export async function offlineAssets(): Promise<OfflineAssets> {
  const a = await (memo ??= cachedOrBuilt().finally(() => {
    // Re-checked on the next call: sources may change while a server runs (dev).
    memo = null;
  }));
  return { js: a.js, css: a.css };
}
