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
  const structure: ObjectPatch = {};
  const counters: ObjectPatch = {};
  diffObject(a as unknown as Obj, b as unknown as Obj, snapshotKeys, structure, counters);
  return {
    format: DELTA_FORMAT,
    version: DELTA_VERSION,
    structure: emptyPatch(structure) ? null : structure,
    counters: emptyPatch(counters) ? null : counters,
  };
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
const emptyPatch = (p: ObjectPatch | ListPatch) => Object.keys(p).length === 0;
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
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    if (ka[i] !== kb[i] || !same((a as Obj)[ka[i]], (b as Obj)[kb[i]])) return false;
  }
  return true;
}

const childShape = (shape: Shape | undefined, field: string): Shape | undefined =>
  shape && shape.kind === 'object' ? shape.fields[field] : undefined;

function diffObject(a: Obj, b: Obj, shape: Shape | undefined, structure: ObjectPatch, counters: ObjectPatch): void {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length || ka.some((k, i) => kb[i] !== k)) {
    // Fields appeared, vanished or moved (a schema change): clear and re-set them all, which keeps b's key order.
    structure.unset = ka;
    structure.set = { ...b };
    return;
  }
  for (const k of kb) {
    const va = a[k];
    const vb = b[k];
    if (va === vb) continue;
    const sub = childShape(shape, k);
    if (sub?.kind === 'counter') {
      if (!same(va, vb)) (counters.set ??= {})[k] = vb;
    } else if (isObj(va) && isObj(vb)) {
      const s: ObjectPatch = {};
      const c: ObjectPatch = {};
      diffObject(va, vb, sub, s, c);
      if (!emptyPatch(s)) (structure.fields ??= {})[k] = s;
      if (!emptyPatch(c)) (counters.fields ??= {})[k] = c;
    } else if (Array.isArray(va) && Array.isArray(vb) && sub?.kind === 'list') {
      const s: ListPatch = {};
      const c: ListPatch = {};
      if (!diffList(va, vb, sub, s, c)) (structure.set ??= {})[k] = vb;
      else {
        if (!emptyPatch(s)) (structure.fields ??= {})[k] = s;
        if (!emptyPatch(c)) (counters.fields ??= {})[k] = c;
      }
    } else if (!same(va, vb)) {
      (structure.set ??= {})[k] = vb;
    }
  }
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
 * Fills the two patches and returns true, or returns false when the list cannot be expressed by keys (surviving
 * items changed their relative order, or an item is not an object): the caller then replaces it whole.
 */
function diffList(a: unknown[], b: unknown[], shape: ListShape, structure: ListPatch, counters: ListPatch): boolean {
  if (!a.every(isObj) || !b.every(isObj)) return false;
  const keysA = listKeys(a, shape.key);
  const keysB = listKeys(b, shape.key);
  const inA = new Map(keysA.map((k, i) => [k, i]));
  const inB = new Set(keysB);
  const keptA = keysA.filter((k) => inB.has(k));
  const keptB = keysB.filter((k) => inA.has(k));
  if (keptA.some((k, i) => keptB[i] !== k)) return false;
  for (const k of keysA) if (!inB.has(k)) (structure.remove ??= []).push(k);
  for (let i = 0; i < b.length; i++) {
    const k = keysB[i];
    const at = inA.get(k);
    if (at === undefined) {
      (structure.add ??= []).push([i === 0 ? null : keysB[i - 1], b[i]]);
      continue;
    }
    if (a[at] === b[i]) continue;
    const s: ObjectPatch = {};
    const c: ObjectPatch = {};
    diffObject(a[at] as Obj, b[i] as Obj, shape.item, s, c);
    if (!emptyPatch(s)) (structure.items ??= []).push([k, s]);
    if (!emptyPatch(c)) (counters.items ??= []).push([k, c]);
  }
  return true;
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
