import { readSnapshotFile, type EnvelopeHeader } from '@/lib/share/envelope';
import { embeddedSnapshotBytes, SNAPSHOT_ELEMENT_ID } from '@/lib/share/html';
import { MAX_SNAPSHOT_FILE_BYTES } from '@/lib/limits';
import type { Snapshot } from '@/lib/snapshot/schema';

export interface OpenedFile {
  name: string;
  /** What the banner calls it: 'file' (the default) or 'shared link'. */
  kind?: 'file' | 'shared link';
  snapshot: Snapshot;
  header: EnvelopeHeader | null;
}

export type OpenResult = { ok: true; file: OpenedFile } | { ok: false; error: string };

const startsLikeHtml = (bytes: Uint8Array) => /^\s*<(!doctype|html)/i.test(new TextDecoder().decode(bytes.subarray(0, 64)));

/**
 * A file the user picked or dropped: refused by size before it is read, then validated by readSnapshotFile.
 * An exported .html page is opened by its embedded data, read with DOMParser (which runs no script).
 */
export async function openSnapshotFile(file: File): Promise<OpenResult> {
  if (file.size > MAX_SNAPSHOT_FILE_BYTES) return { ok: false, error: `${file.name}: file too large (${file.size} bytes, the limit is ${MAX_SNAPSHOT_FILE_BYTES})` };
  let bytes: Uint8Array = new Uint8Array(await file.arrayBuffer());
  if (startsLikeHtml(bytes)) {
    const doc = new DOMParser().parseFromString(new TextDecoder().decode(bytes), 'text/html');
    const data = embeddedSnapshotBytes(doc.getElementById(SNAPSHOT_ELEMENT_ID)?.textContent ?? '');
    if (!data?.length) return { ok: false, error: `${file.name}: an HTML page without a netatlas snapshot in it` };
    bytes = data;
  }
  const r = await readSnapshotFile(bytes);
  return r.ok ? { ok: true, file: { name: file.name, snapshot: r.snapshot, header: r.envelope } } : { ok: false, error: `${file.name}: ${r.error}` };
}
