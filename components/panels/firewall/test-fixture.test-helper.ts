import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseSnapshot, type Snapshot } from '@/lib/snapshot/schema';

/** The lab snapshot (`npx netatlas snapshot --json` on the running lab). */
export function labSnapshot(): Snapshot {
  return parseSnapshot(JSON.parse(readFileSync(new URL('../../../lib/snapshot/__fixtures__/lab-snapshot.json', import.meta.url), 'utf8')));
}

/** Shared netfilter fixtures next to the project (read-only). */
export const SHARED_FIXTURES = fileURLToPath(new URL('../../../../shared/fixtures/netfilter/', import.meta.url));
export const readShared = (rel: string) => readFileSync(join(SHARED_FIXTURES, rel), 'utf8');

export const WEB = '0bff5e38633b6131486f9294ac3cc5d89d65d34f06ec71247d332e44472cb0a2';
export const DB = '8d671000f99cd6e21f49217188a6ddd291a07c75664a3b45e367328127c78ade';
export const HOST_NS = 'netns:4026531833';
export const WEB_NS = 'netns:4026532186';
export const DB_NS = 'netns:4026532342';
