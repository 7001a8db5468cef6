import { z } from 'zod';
import { MAX_SNAPSHOT_FILE_BYTES, MAX_SNAPSHOT_JSON_DEPTH } from '../limits';
import { snapshotFingerprint } from '../snapshot/fingerprint';
import { Snapshot, SCHEMA_VERSION } from '../snapshot/schema';
import { gunzip, isGzip } from './gzip';
import { migrateSnapshot, type MigrationTable, MIGRATIONS } from './migrations';

/**
 * The file format for a snapshot that leaves the host: an envelope naming the format and its versions, when and
 * where the snapshot was taken, and what was redacted, around the snapshot itself. Stored as JSON, plain or gzip.
 * Reading is for untrusted files: size, then encoding, nesting depth, JSON, versions, then the schema — nothing
 * downstream sees data that did not pass all of them.
 */

export const ENVELOPE_FORMAT = 'netatlas-snapshot';
export const ENVELOPE_VERSION = 1;

export const Redaction = z.object({
  /** Option names applied (see lib/share/redact.ts), empty for an unredacted export. */
  applied: z.array(z.string()),
  /** What was removed or rewritten, one sentence each, as shown before export. */
  described: z.array(z.string()),
});
export type Redaction = z.infer<typeof Redaction>;

export const EnvelopeHeader = z.object({
  format: z.literal(ENVELOPE_FORMAT),
  envelopeVersion: z.number().int(),
  schemaVersion: z.number().int(),
  capturedAt: z.string(),
  host: z.object({
    name: z.string(),
    /** SHA-256 (hex, first 32 digits) of the snapshot's state as lib/snapshot/fingerprint.ts defines it. */
    fingerprint: z.string(),
  }),
  redaction: Redaction,
});
export type EnvelopeHeader = z.infer<typeof EnvelopeHeader>;
export type Envelope = EnvelopeHeader & { snapshot: Snapshot };

export const NO_REDACTION: Redaction = { applied: [], described: [] };

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Wraps an (already redacted) snapshot; the fingerprint is of what is inside, so it reveals nothing more. */
export async function makeEnvelope(snapshot: Snapshot, redaction: Redaction = NO_REDACTION): Promise<Envelope> {
  return {
    format: ENVELOPE_FORMAT,
    envelopeVersion: ENVELOPE_VERSION,
    schemaVersion: snapshot.schemaVersion,
    capturedAt: snapshot.host.collectedAt,
    host: { name: snapshot.host.hostname, fingerprint: (await sha256Hex(snapshotFingerprint(snapshot))).slice(0, 32) },
    redaction,
    snapshot,
  };
}

export type ReadResult =
  | {
      ok: true;
      snapshot: Snapshot;
      /** null for a bare snapshot (what `netatlas snapshot --out` wrote before envelopes). */
      envelope: EnvelopeHeader | null;
      /** The schemaVersion the file had when it was older than this netatlas. */
      migratedFrom: number | null;
    }
  | { ok: false; error: string };

export interface ReadOptions {
  maxBytes?: number;
  maxDepth?: number;
  migrations?: MigrationTable;
}

const fail = (error: string): ReadResult => ({ ok: false, error });

/** Deepest nesting of arrays/objects, stopping early past `limit`; strings are skipped so brackets in them do not count. */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads a snapshot file of any supported kind: gzip or plain, envelope or bare snapshot, any older version. */
export async function readSnapshotFile(input: Uint8Array | string, options: ReadOptions = {}): Promise<ReadResult> {
  const maxBytes = options.maxBytes ?? MAX_SNAPSHOT_FILE_BYTES;
  let text: string;
  if (typeof input === 'string') {
    if (input.length > maxBytes) return fail(`file too large: more than ${maxBytes} bytes`);
    text = input;
  } else {
    if (input.length > maxBytes) return fail(`file too large: ${input.length} bytes, the limit is ${maxBytes}`);
    let bytes = input;
    if (isGzip(bytes)) {
      const inflated = await gunzip(bytes, maxBytes);
      if (!inflated.ok) {
        return fail(inflated.reason === 'too-large' ? `file too large: it ${inflated.detail}` : `damaged gzip file (truncated or corrupt): ${inflated.detail}`);
      }
      bytes = inflated.bytes;
    }
    const decoded = decodeUtf8(bytes);
    if (decoded === null) return fail('not a snapshot: the file is not UTF-8 text');
    text = decoded;
  }
  return readSnapshotText(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, options);
}

function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null; // the decoder's only way to say "invalid UTF-8"
  }
}

function readSnapshotText(text: string, options: ReadOptions): ReadResult {
  const maxDepth = options.maxDepth ?? MAX_SNAPSHOT_JSON_DEPTH;
  if (jsonDepthExceeds(text, maxDepth)) return fail(`not a snapshot: JSON nested deeper than ${maxDepth} levels`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return fail(`not a snapshot: not valid JSON (${(e as Error).message})`);
  }
  if (!isRecord(data)) return fail('not a snapshot: expected a JSON object');

  let header: EnvelopeHeader | null = null;
  let bare: unknown = data;
  if ('format' in data) {
    if (data.format !== ENVELOPE_FORMAT) return fail(`not a netatlas snapshot: format ${JSON.stringify(data.format)}`);
    const v = data.envelopeVersion;
    if (typeof v === 'number' && v > ENVELOPE_VERSION) return fail(`made by a newer netatlas: envelopeVersion ${v} > ${ENVELOPE_VERSION}; upgrade netatlas to open it`);
    const parsed = EnvelopeHeader.safeParse(data);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      return fail(`invalid snapshot envelope: ${i.path.join('.') || '(root)'}: ${i.message}`);
    }
    header = parsed.data;
    bare = data.snapshot;
    if (!isRecord(bare)) return fail('invalid snapshot envelope: it holds no snapshot object');
    if (bare.schemaVersion !== header.schemaVersion) {
      return fail(`invalid snapshot envelope: it says schemaVersion ${header.schemaVersion}, its snapshot has ${JSON.stringify(bare.schemaVersion)}`);
    }
  } else if (!('schemaVersion' in data)) {
    return fail('not a netatlas snapshot: neither an envelope (format) nor a snapshot (schemaVersion)');
  }

  const migrated = migrateSnapshot(bare as Record<string, unknown>, SCHEMA_VERSION, options.migrations ?? MIGRATIONS);
  if (!migrated.ok) return fail(migrated.error);
  const result = Snapshot.safeParse(migrated.snapshot);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    return fail(`invalid snapshot: ${issues.length} problem(s), first: ${issues[0]}`);
  }
  return { ok: true, snapshot: result.data, envelope: header, migratedFrom: migrated.from < SCHEMA_VERSION ? migrated.from : null };
}
