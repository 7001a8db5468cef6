import type { Snapshot } from '../snapshot/schema';
import { snapshotKeys, type ListShape, type Shape } from './keys';

/**
 * Keyed deltas between two snapshots: what the live stream sends, the history stores and the compare view shows.
 *
 * Contract:
 * - `applyDelta(a, diffSnapshots(a, b))` deep-equals `b` (same JSON text, key order included), and
 *   `diffSnapshots(a, a)` is empty. `a` is never modified; the result shares untouched subtrees with `a`.
 * - Lists are matched by stable keys (`keys.ts`), never by position: a rule inserted mid-chain is one `add`, a
 *   container restarted into a new namespace is one namespace removed and one added.
 * - Packet/byte counters and the collection time live apart from the structure (`counters`), so a stream or the
 *   history can thin them without losing any structural change.
 */

export const DELTA_FORMAT = 'netatlas.delta';
export const DELTA_VERSION = 1;

/** A change to a value: a patch for an object or a keyed list (told apart by the value it applies to). */
export type Patch = ObjectPatch | ListPatch;

export interface ObjectPatch {
  /** Fields replaced whole (primitives, unkeyed arrays, objects appearing or turning null). */
  set?: Record<string, unknown>;
  /** Fields that disappeared. */
  unset?: string[];
  /** Fields changed inside. */
  fields?: Record<string, Patch>;
}

export interface ListPatch {
  remove?: string[];
  /** New items, each after the item with that key in the new list (null: first), in the new list's order. */
  add?: [after: string | null, item: unknown][];
  /** Items changed inside, by key. */
  items?: [key: string, patch: Patch][];
}

export interface SnapshotDelta {
  format: typeof DELTA_FORMAT;
  version: typeof DELTA_VERSION;
  /** Everything but counters and collection time; null when nothing structural changed. */
  structure: ObjectPatch | null;
  /** Counters and collection time, applied after `structure`; null when none moved. */
  counters: ObjectPatch | null;
}

export function isEmptyDelta(d: SnapshotDelta): boolean {
  return d.structure === null && d.counters === null;
}

export function diffSnapshots(a: Snapshot, b: Snapshot): SnapshotDelta {
  const halves = diffObject(a as unknown as Obj, b as unknown as Obj, snapshotKeys);
  return { format: DELTA_FORMAT, version: DELTA_VERSION, structure: halves?.[0] ?? null, counters: halves?.[1] ?? null };
}

/** Why a delta did not fit the snapshot it was applied to (a gap in a stream, a store out of step). */
export class DeltaMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeltaMismatchError';
  }
}

export type ApplyResult = { ok: true; snapshot: Snapshot } | { ok: false; reason: string };

/** Apply a delta; a delta that does not fit `a` (unknown key, wrong format) is reported, not half-applied. */
export function tryApplyDelta(a: Snapshot, delta: SnapshotDelta): ApplyResult {
  if (delta.format !== DELTA_FORMAT || delta.version !== DELTA_VERSION) {
    return { ok: false, reason: `unsupported delta ${JSON.stringify(delta.format)} version ${JSON.stringify(delta.version)}` };
  }
  const mismatch: string[] = [];
  let out = a as unknown as Obj;
  if (delta.structure) out = applyObject(out, delta.structure, snapshotKeys, '', mismatch);
  if (delta.counters && mismatch.length === 0) out = applyObject(out, delta.counters, snapshotKeys, '', mismatch);
  return mismatch.length ? { ok: false, reason: mismatch[0] } : { ok: true, snapshot: out as unknown as Snapshot };
}

export function applyDelta(a: Snapshot, delta: SnapshotDelta): Snapshot {
  const r = tryApplyDelta(a, delta);
  if (!r.ok) throw new DeltaMismatchError(r.reason);
  return r.snapshot;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** Deep equality of JSON values, key order included (so JSON text stays identical after apply). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!same(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const kb = Object.keys(b);
  let i = 0;
  for (const k in a) {
    if (k !== kb[i] || !same((a as Obj)[k], (b as Obj)[k])) return false;
    i++;
  }
  return i === kb.length;
}

/** Same own keys in the same order (snapshots are plain JSON objects: `for…in` sees exactly their own keys). */
function sameKeys(a: Obj, kb: string[]): boolean {
  let i = 0;
  for (const k in a) if (k !== kb[i++]) return false;
  return i === kb.length;
}

const childShape = (shape: Shape | undefined, field: string): Shape | undefined =>
  shape && shape.kind === 'object' ? shape.fields[field] : undefined;

/**
 * A change split in its structural and counter parts; null when nothing changed. The diff runs on every revision
 * over a whole host, so unchanged subtrees (nearly all of them) allocate nothing: the write path's cost is mostly
 * the garbage collector's otherwise.
 */
type Halves<P> = [structure: P | null, counters: P | null] | null;

function diffObject(a: Obj, b: Obj, shape: Shape | undefined): Halves<ObjectPatch> {
  const kb = Object.keys(b);
  // Fields appeared, vanished or moved (a schema change): clear and re-set them all, which keeps b's key order.
  if (!sameKeys(a, kb)) return [{ unset: Object.keys(a), set: { ...b } }, null];
  let s: ObjectPatch | null = null;
  let c: ObjectPatch | null = null;
  for (const k of kb) {
    const va = a[k];
    const vb = b[k];
    if (va === vb) continue;
    const sub = childShape(shape, k);
    if (sub?.kind === 'counter') {
      if (!same(va, vb)) ((c ??= {}).set ??= {})[k] = vb;
    } else if (isObj(va) && isObj(vb)) {
      const h = diffObject(va, vb, sub);
      if (h?.[0]) ((s ??= {}).fields ??= {})[k] = h[0];
      if (h?.[1]) ((c ??= {}).fields ??= {})[k] = h[1];
    } else if (Array.isArray(va) && Array.isArray(vb) && sub?.kind === 'list') {
      const h = diffList(va, vb, sub);
      if (h === 'whole') ((s ??= {}).set ??= {})[k] = vb;
      else {
        if (h?.[0]) ((s ??= {}).fields ??= {})[k] = h[0];
        if (h?.[1]) ((c ??= {}).fields ??= {})[k] = h[1];
      }
    } else if (!same(va, vb)) {
      ((s ??= {}).set ??= {})[k] = vb;
    }
  }
  return s || c ? [s, c] : null;
}

/** Keys of a list's items: the shape's key, made unique by occurrence (`key`, `key#2`, …) in list order. */
export function listKeys(items: unknown[], key: (item: never) => string): string[] {
  const seen = new Map<string, number>();
  return items.map((item) => {
    const k = key(item as never);
    const n = (seen.get(k) ?? 0) + 1;
    seen.set(k, n);
    return n === 1 ? k : `${k}#${n}`;
  });
}

/**
 * The two patches of a keyed list, or 'whole' when the list cannot be expressed by keys (surviving items changed
 * their relative order, or an item is not an object): the caller then replaces it whole.
 */
function diffList(a: unknown[], b: unknown[], shape: ListShape): Halves<ListPatch> | 'whole' {
  if (!a.every(isObj) || !b.every(isObj)) return 'whole';
  // The common case between two collections: the same items in the same order. Equal raw keys position by
  // position number their duplicates alike, so the numbered keys are only made for an item that changed.
  if (a.length === b.length && a.every((x, i) => shape.key(x as never) === shape.key(b[i] as never))) {
    let keys: string[] | null = null;
    let s: ListPatch | null = null;
    let c: ListPatch | null = null;
    for (let i = 0; i < b.length; i++) {
      if (a[i] === b[i]) continue;
      const h = diffObject(a[i] as Obj, b[i] as Obj, shape.item);
      if (!h) continue;
      keys ??= listKeys(b, shape.key);
      if (h[0]) ((s ??= {}).items ??= []).push([keys[i], h[0]]);
      if (h[1]) ((c ??= {}).items ??= []).push([keys[i], h[1]]);
    }
    return s || c ? [s, c] : null;
  }
  const keysA = listKeys(a, shape.key);
  const keysB = listKeys(b, shape.key);
  const inA = new Map(keysA.map((k, i) => [k, i]));
  const inB = new Set(keysB);
  const keptA = keysA.filter((k) => inB.has(k));
  const keptB = keysB.filter((k) => inA.has(k));
  if (keptA.some((k, i) => keptB[i] !== k)) return 'whole';
  const s: ListPatch = {};
  const c: ListPatch = {};
  for (const k of keysA) if (!inB.has(k)) (s.remove ??= []).push(k);
  for (let i = 0; i < b.length; i++) {
    const k = keysB[i];
    const at = inA.get(k);
    if (at === undefined) {
      (s.add ??= []).push([i === 0 ? null : keysB[i - 1], b[i]]);
      continue;
    }
    if (a[at] === b[i]) continue;
    const h = diffObject(a[at] as Obj, b[i] as Obj, shape.item);
    if (h?.[0]) (s.items ??= []).push([k, h[0]]);
    if (h?.[1]) (c.items ??= []).push([k, h[1]]);
  }
  const some = (p: ListPatch) => (Object.keys(p).length ? p : null);
  return some(s) || some(c) ? [some(s), some(c)] : null;
}

function applyObject(a: Obj, p: ObjectPatch, shape: Shape | undefined, path: string, mismatch: string[]): Obj {
  const out: Obj = { ...a };
  if (p.unset) for (const k of p.unset) delete out[k];
  if (p.fields) {
    for (const k of Object.keys(p.fields)) {
      const cur = out[k];
      const sub = childShape(shape, k);
      const here = `${path}.${k}`;
      if (Array.isArray(cur) && sub?.kind === 'list') out[k] = applyList(cur, p.fields[k] as ListPatch, sub, here, mismatch);
      else if (isObj(cur)) out[k] = applyObject(cur, p.fields[k] as ObjectPatch, sub, here, mismatch);
      else mismatch.push(`${here}: nothing to patch there`);
    }
  }
  // Assigning an existing field keeps its position; after `unset` cleared them all, fields come in b's order.
  if (p.set) for (const k of Object.keys(p.set)) out[k] = p.set[k];
  return out;
}

function applyList(a: unknown[], p: ListPatch, shape: ListShape, path: string, mismatch: string[]): unknown[] {
  const keys = listKeys(a, shape.key);
  const byKey = new Map<string, unknown>(keys.map((k, i) => [k, a[i]]));
  for (const k of p.remove ?? []) {
    if (!byKey.delete(k)) mismatch.push(`${path}: no item ${JSON.stringify(k)} to remove`);
  }
  for (const [k, patch] of p.items ?? []) {
    const cur = byKey.get(k);
    if (!isObj(cur)) {
      mismatch.push(`${path}: no item ${JSON.stringify(k)} to change`);
      continue;
    }
    byKey.set(k, applyObject(cur, patch as ObjectPatch, shape.item, `${path}[${JSON.stringify(k)}]`, mismatch));
  }
  const order = keys.filter((k) => byKey.has(k));
  const items = order.map((k) => byKey.get(k));
  for (const [after, item] of p.add ?? []) {
    const at = after === null ? 0 : order.indexOf(after) + 1;
    if (after !== null && at === 0) {
      mismatch.push(`${path}: no item ${JSON.stringify(after)} to add after`);
      continue;
    }
    // The new item's key as it will be counted in the final list (duplicates are numbered by position).
    const provisional = listKeys([...items.slice(0, at), item], shape.key).at(-1)!;
    order.splice(at, 0, provisional);
    items.splice(at, 0, item);
  }
  return items;
}
