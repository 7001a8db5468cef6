import type { Snapshot } from '../snapshot/schema';
import { tryApplyDelta, type SnapshotDelta } from './delta';

/**
 * The live stream's messages and the client's side of it. A subscriber gets one whole snapshot, then one delta per
 * revision (from the revision before it: ids only grow by one). The client applies each delta to what it has; a
 * gap (a delta not based on the revision it holds), a delta it cannot apply, or anything it does not understand
 * makes it ask for a whole snapshot, and it holds back the deltas arriving meanwhile so none is lost.
 */
export type LiveMessage =
  | { kind: 'whole'; revision: number; snapshot: Snapshot }
  | { kind: 'delta'; revision: number; base: number; delta: SnapshotDelta };

export interface StreamState {
  revision: number;
  snapshot: Snapshot;
  /** The revision whose structure `snapshot` has: it moves only with a whole snapshot or a structural delta. */
  structureAt: number;
  /** Why a whole snapshot is wanted (null: in step). While set, deltas wait in `held`. */
  resync: string | null;
  held: Extract<LiveMessage, { kind: 'delta' }>[];
}

/** While resyncing, at most this many deltas wait; more means the whole snapshot is slow, and the oldest go. */
const HOLD = 64;

export const startStream = (revision: number, snapshot: Snapshot): StreamState => ({ revision, snapshot, structureAt: revision, resync: null, held: [] });

/**
 * The state after one message from the stream; pure, so a dropped or reordered message can be tested on data.
 * A whole snapshot from the stream always replaces what we hold (after a server restart, ids start again).
 */
export function receive(state: StreamState, msg: LiveMessage): StreamState {
  if (msg.kind === 'whole') {
    let next: StreamState = startStream(msg.revision, msg.snapshot);
    for (const d of state.held) next = receive(next, d);
    return next;
  }
  if (state.resync !== null) {
    return { ...state, held: [...state.held.slice(-(HOLD - 1)), msg] };
  }
  // Already covered by the snapshot we hold (a whole snapshot overtook it).
  if (msg.revision <= state.revision) return state;
  if (msg.base !== state.revision) {
    return { ...state, resync: `gap: revision ${msg.revision} is based on ${msg.base}, we hold ${state.revision}`, held: [msg] };
  }
  const applied = tryApplyDelta(state.snapshot, msg.delta);
  if (!applied.ok) return { ...state, resync: `revision ${msg.revision} did not apply: ${applied.reason}`, held: [] };
  const structureAt = msg.delta.structure === null ? state.structureAt : msg.revision;
  return { revision: msg.revision, snapshot: applied.snapshot, structureAt, resync: null, held: [] };
}

/** A whole snapshot fetched because `resync` asked for one: once the stream is back in step it is stale. */
export function receiveFetched(state: StreamState, msg: Extract<LiveMessage, { kind: 'whole' }>): StreamState {
  return state.resync === null ? state : receive(state, msg);
}
