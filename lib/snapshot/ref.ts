import { SHARE_ID } from '../share/link';

/**
 * The one way to point at a snapshot, for every command (`--snapshot REF`, `--at REF`) and the UI (`?at=`):
 *
 *   live                  the host now
 *   -10m  -2h  -1d  -90s  that long ago (s, m, h, d, w)
 *   2026-11-30T14:02:31Z  a moment (ISO 8601; without an offset it is local time)
 *   NAME                  a saved snapshot (letters, digits, . _ -; see `checkSnapshotName`)
 *   PATH                  a snapshot file: .json or .json.gz, or anything with a `/` (./NAME for a file called NAME)
 *   share:ID  http://HOST/s/ID   a share link (lib/share/link.ts), by its id or its whole address
 *   name:NAME  file:PATH  explicit forms, for when the short form is ambiguous
 *
 * Parsing is pure: whether a file or a saved name exists is a fact the caller looks up and passes in, and a word
 * that could be both is an error that says how to write either.
 */

export type SnapshotRef =
  | { kind: 'live' }
  | { kind: 'time'; at: Date }
  | { kind: 'name'; name: string }
  | { kind: 'file'; path: string }
  | { kind: 'share'; id: string };

export type RefResult = { ok: true; ref: SnapshotRef } | { ok: false; error: string };

/** What the caller knows about the world: does this path exist as a file, is this a saved snapshot's name. */
export interface RefFacts {
  fileExists(path: string): boolean;
  nameExists(name: string): boolean;
}

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const RELATIVE = /^-(\d{1,6})([smhdw])$/;
// Date, optional time (minutes, seconds, fraction), optional offset: what `Date.parse` reads reliably.
const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$/;
const FILE_SUFFIX = /\.json(?:\.gz)?$/i;
// A share link's whole address, as its page shows it: the id is the last path segment after /s/.
const SHARE_URL = /^https?:\/\/[^/\s]+\/s\/([^/?#\s]+)\/?(?:[?#]\S*)?$/;

/** A time reference (`-10m`, ISO 8601) as a moment, or null when `text` is not written as one. */
export function parseTimeRef(text: string, now: Date): Date | null {
  const rel = RELATIVE.exec(text);
  if (rel) return new Date(now.getTime() - Number(rel[1]) * UNITS[rel[2]]);
  if (!ISO.test(text)) return null;
  // A date alone is midnight local time, like a date with a time and no offset.
  const ms = Date.parse(text.length === 10 ? `${text}T00:00` : text.replace(' ', 'T'));
  return Number.isNaN(ms) ? null : new Date(ms);
}

/** Whether a reference is written as a file (`file:X`, anything with a `/`, `.json`, `.json.gz`), existing or not. */
export function writtenAsFile(text: string): boolean {
  const t = text.trim();
  return t.startsWith('file:') || t.includes('/') || FILE_SUFFIX.test(t);
}

/** Why `name` cannot name a saved snapshot, or null when it can. */
export function checkSnapshotName(name: string): string | null {
  if (!NAME.test(name)) return `'${name}' is not a snapshot name: use 1-64 letters, digits, '.', '_' or '-', not starting with '.' or '-'`;
  if (name === 'live') return `'live' is reserved for the host now`;
  if (FILE_SUFFIX.test(name)) return `'${name}' looks like a file name; saved names must not end in .json or .json.gz`;
  if (ISO.test(name)) return `'${name}' looks like a time; pick a name that is not a date`;
  return null;
}

/** Classify a reference, given what exists. `now` anchors relative times; a moment in the future is an error. */
export function resolveSnapshotRef(input: string, facts: RefFacts, now: Date): RefResult {
  const text = input.trim();
  if (text === '') return { ok: false, error: 'empty snapshot reference (use live, a time such as -10m, a saved name or a file)' };
  if (text === 'live') return { ok: true, ref: { kind: 'live' } };
  if (text.startsWith('name:')) {
    const name = text.slice(5);
    if (!facts.nameExists(name)) return { ok: false, error: `no saved snapshot named '${name}'` };
    return { ok: true, ref: { kind: 'name', name } };
  }
  if (text.startsWith('file:')) return fileRef(text.slice(5), facts);
  const link = text.startsWith('share:') ? text.slice(6) : SHARE_URL.exec(text)?.[1];
  if (link !== undefined) {
    if (!SHARE_ID.test(link)) return { ok: false, error: `'${link}' is not a share link id (22-64 letters, digits, '-' or '_')` };
    return { ok: true, ref: { kind: 'share', id: link } };
  }

  const at = parseTimeRef(text, now);
  if (at) {
    if (facts.fileExists(text)) return { ok: false, error: `'${text}' is both a time and a file; write file:${text} (or ./${text}) for the file` };
    if (at.getTime() > now.getTime()) return { ok: false, error: `${text} is in the future (now is ${now.toISOString()})` };
    return { ok: true, ref: { kind: 'time', at } };
  }
  if (text.startsWith('-')) {
    return { ok: false, error: `'${text}' is not a time: write -N followed by s, m, h, d or w (e.g. -10m, -2h, -1d)` };
  }
  if (writtenAsFile(text)) return fileRef(text, facts);

  const isName = checkSnapshotName(text) === null && facts.nameExists(text);
  const isFile = facts.fileExists(text);
  if (isName && isFile) {
    return { ok: false, error: `'${text}' is both a saved snapshot and a file here; write name:${text} for the saved one or ./${text} for the file` };
  }
  if (isName) return { ok: true, ref: { kind: 'name', name: text } };
  if (isFile) return { ok: true, ref: { kind: 'file', path: text } };
  return { ok: false, error: `no saved snapshot or file called '${text}' (a reference is live, a time such as -10m or 2026-11-30T14:02Z, a saved name, or a .json/.json.gz file)` };
}

function fileRef(path: string, facts: RefFacts): RefResult {
  if (path === '') return { ok: false, error: 'file: needs a path' };
  if (!facts.fileExists(path)) return { ok: false, error: `cannot read ${path}: no such file` };
  return { ok: true, ref: { kind: 'file', path } };
}

/** The reference written back as text (for URLs and messages); `resolveSnapshotRef` reads it back to the same thing. */
export function formatSnapshotRef(ref: SnapshotRef): string {
  switch (ref.kind) {
    case 'live':
      return 'live';
    case 'time':
      return ref.at.toISOString();
    case 'name':
      return `name:${ref.name}`;
    case 'file':
      return `file:${ref.path}`;
    case 'share':
      return `share:${ref.id}`;
  }
}
