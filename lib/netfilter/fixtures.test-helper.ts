import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `../shared/fixtures/netfilter` next to the project directory (shared data, read-only). */
export const FIXTURES_DIR = fileURLToPath(new URL('../../../shared/fixtures/netfilter/', import.meta.url));

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
}

/** Every fixture file, as a path relative to {@link FIXTURES_DIR}. */
export function listFixtures(): string[] {
  return walk(FIXTURES_DIR).map((p) => relative(FIXTURES_DIR, p));
}

export function readFixture(rel: string): string {
  return readFileSync(join(FIXTURES_DIR, rel), 'utf8');
}
