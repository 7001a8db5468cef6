import { open, readFile, rename, stat } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { readSnapshotFile, type ReadResult } from '../../lib/share/envelope';
import { MAX_SNAPSHOT_FILE_BYTES } from '../../lib/limits';

/** A snapshot file from disk: refused by size before it is read, then checked by readSnapshotFile. */
export async function loadSnapshotFile(path: string): Promise<ReadResult> {
  const size = await stat(path).then((s) => s.size, (e: Error) => e);
  if (size instanceof Error) return { ok: false, error: `cannot read ${path}: ${size.message}` };
  if (size > MAX_SNAPSHOT_FILE_BYTES) return { ok: false, error: `${path}: file too large (${size} bytes, the limit is ${MAX_SNAPSHOT_FILE_BYTES})` };
  const bytes = await readFile(path).then((b) => new Uint8Array(b), (e: Error) => e);
  if (bytes instanceof Error) return { ok: false, error: `cannot read ${path}: ${bytes.message}` };
  const r = await readSnapshotFile(bytes);
  return r.ok ? r : { ok: false, error: `${path}: ${r.error}` };
}

/**
 * Writes an export readable by its owner only (0600), whole or not at all: a temp file created with that mode in
 * the same directory, then renamed over the target (so an existing file's wider mode is not kept either).
 */
export async function writeExport(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(data);
    await fh.chmod(0o600); // the mode given to open() is masked by the umask; this is not
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}
