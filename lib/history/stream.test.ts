import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../snapshot/schema';
import { diffSnapshots } from './delta';
import { labSnapshot, prng, withAllCountersMoved, withContainerRestarted, withRuleInsertedMidChain } from './corpus.test-helper';
import { receive, receiveFetched, startStream, type LiveMessage, type StreamState } from './stream';

// The client's side of the live stream, on data: a server's sequence of revisions, sent as a whole snapshot then
// deltas (JSON round trip, as over SSE), with messages dropped or reordered.

const rnd = prng(13);
const wire = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const text = (s: Snapshot) => JSON.stringify(s);

/** Revisions 1..n of a host whose counters move each second, with a rule inserted and a container restarted. */
function revisions(n: number): Snapshot[] {
  const out = [labSnapshot()];
  for (let i = 1; i < n; i++) {
    let s = withAllCountersMoved(out[i - 1], rnd);
    if (i === 3) s = withRuleInsertedMidChain(s);
    if (i === 5) s = withContainerRestarted(s, s.docker!.containers[0].name, 900_000 + i);
    out.push(s);
  }
  return out;
}

function messages(snaps: Snapshot[]): LiveMessage[] {
  return snaps.map((s, i) =>
    wire<LiveMessage>(i === 0 ? { kind: 'whole', revision: 1, snapshot: s } : { kind: 'delta', revision: i + 1, base: i, delta: diffSnapshots(snaps[i - 1], s) }),
  );
}

const feed = (state: StreamState, msgs: LiveMessage[]) => msgs.reduce(receive, state);
const whole = (snaps: Snapshot[], revision: number): Extract<LiveMessage, { kind: 'whole' }> => wire({ kind: 'whole', revision, snapshot: snaps[revision - 1] });

describe('the live stream on the client', () => {
  const snaps = revisions(8);
  const msgs = messages(snaps);

  it('follows a whole snapshot and then deltas to exactly the server state', () => {
    const first = msgs[0] as Extract<LiveMessage, { kind: 'whole' }>;
    const s = feed(startStream(first.revision, first.snapshot), msgs.slice(1));
    expect(s.resync).toBeNull();
    expect(s.revision).toBe(8);
    expect(text(s.snapshot)).toBe(text(snaps[7]));
  });

  it('a dropped message makes it ask for a whole snapshot, holding the deltas that arrive meanwhile', () => {
    const first = msgs[0] as Extract<LiveMessage, { kind: 'whole' }>;
    // Revision 4 (the one inserting a rule) is lost.
    let s = feed(startStream(first.revision, first.snapshot), [msgs[1], msgs[2], msgs[4], msgs[5]]);
    expect(s.resync).toMatch(/gap: revision 5 is based on 4, we hold 3/);
    expect(s.revision).toBe(3);
    expect(text(s.snapshot)).toBe(text(snaps[2])); // nothing half-applied
    // The whole snapshot asked for is revision 4 (the fetch raced the stream); the held 5 and 6 then apply.
    s = receiveFetched(s, whole(snaps, 4));
    expect(s.resync).toBeNull();
    expect(s.revision).toBe(6);
    expect(text(s.snapshot)).toBe(text(snaps[5]));
    s = feed(s, msgs.slice(6));
    expect(text(s.snapshot)).toBe(text(snaps[7]));
  });

  it('a delta that does not apply (an unknown id) asks for a whole snapshot and keeps the last good state', () => {
    const start = startStream(2, snaps[1]);
    const bad = wire(msgs[2]) as Extract<LiveMessage, { kind: 'delta' }>;
    // A patch for a container the client never had, as after a server mix-up.
    bad.delta.structure = { fields: { docker: { fields: { containers: { items: [['no-such-container', { set: { state: 'exited' } }]] } } } } };
    const s = receive(start, bad);
    expect(s.resync).toMatch(/did not apply: .*no-such-container/);
    expect(s.snapshot).toBe(snaps[1]);
    expect(receiveFetched(s, whole(snaps, 3)).revision).toBe(3);
  });

  it('a whole snapshot from the stream always replaces (a reconnect after a server restart starts ids anew)', () => {
    const s = receive(startStream(7, snaps[6]), whole(snaps, 2));
    expect(s.revision).toBe(2);
    expect(text(s.snapshot)).toBe(text(snaps[1]));
  });

  it('a fetched whole snapshot that arrives once the stream is back in step changes nothing', () => {
    const s = startStream(6, snaps[5]);
    expect(receiveFetched(s, whole(snaps, 4))).toBe(s);
  });

  it('says which revision last changed the structure (counters alone leave it)', () => {
    const first = msgs[0] as Extract<LiveMessage, { kind: 'whole' }>;
    const s = feed(startStream(first.revision, first.snapshot), msgs.slice(1, 3));
    expect(s.structureAt).toBe(1); // revisions 2 and 3 only moved counters
    expect(feed(s, [msgs[3]]).structureAt).toBe(4); // the rule inserted mid-chain
  });

  it('ignores deltas it already has (a whole snapshot overtook them)', () => {
    const s = startStream(5, snaps[4]);
    expect(receive(s, msgs[3])).toBe(s);
  });
});
