import { basename } from 'node:path';
import type { Flags } from '../serve/options';
import { serveCommand } from '../serve/command';
import { setServeMode } from '../serve/mode';
import { loadSnapshotFile } from './snapshot-file';

/**
 * `netatlas open FILE`: `netatlas serve` (same options, same checks) whose pages show FILE read-only. The file is
 * read and validated before anything starts; no hub runs, so this host is never collected, and history is off.
 */
export async function openCommand(file: string | undefined, flags: Flags, usage: string): Promise<number> {
  if (file === undefined) {
    process.stderr.write(`netatlas open: name the snapshot file to open (.json, .json.gz)\n\n${usage}`);
    return 2;
  }
  const read = await loadSnapshotFile(file);
  if (!read.ok) {
    process.stderr.write(`netatlas open: ${read.error}\n`);
    return 1;
  }
  setServeMode({ file: { name: basename(file), snapshot: read.snapshot, header: read.envelope } });
  process.env.NETATLAS_HISTORY = 'off';
  const from = read.migratedFrom === null ? '' : ` (migrated from schema version ${read.migratedFrom})`;
  process.stderr.write(`netatlas: showing ${file}${from}: ${read.snapshot.host.hostname} at ${read.snapshot.host.collectedAt}, read-only; this host is not collected\n`);
  return serveCommand(flags, usage);
}
