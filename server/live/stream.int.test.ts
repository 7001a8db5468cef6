import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { receive, receiveFetched, startStream, type LiveMessage, type StreamState } from '../../lib/history/stream';
import { Hub } from './hub';

// The delta stream from the real hub on the real host (lab plus a container this test starts), through the
// client's reducer, as JSON over the wire — with a message dropped on purpose. Waits as in hub.int.test.ts.
const WAIT = { timeout: 60_000, interval: 50 };
const NAME = `lab-stream-${randomBytes(3).toString('hex')}`;
// Changes this test makes itself: on a quiet host nothing else changes, so every delta it waits for must be caused.
const OTHER = `${NAME}-b`;
const THIRD = `${NAME}-c`;
const run = (name: string) => execFileSync('docker', ['run', '-d', '--name', name, '--label', 'netatlas.lab=1', 'netatlas-lab/busybox:1']);

const hub = new Hub({ tickMs: 500 });
afterAll(async () => {
  await hub.close();
  execFileSync('sh', ['-c', `docker rm -f ${NAME} ${OTHER} ${THIRD} >/dev/null 2>&1 || true`]);
});

function follow(lastId: number | null) {
  const ac = new AbortController();
  const got: LiveMessage[] = [];
  const done = (async () => {
    for await (const m of hub.messagesSince(lastId, ac.signal)) got.push(m);
  })();
  return { got, stop: async () => (ac.abort(), await done) };
}

const wire = (m: LiveMessage) => JSON.parse(JSON.stringify(m)) as LiveMessage;
const has = (s: StreamState, name: string) => s.snapshot.docker?.containers.some((c) => c.name === name) ?? false;

describe('the live stream of deltas', () => {
  it('sends a whole snapshot, then deltas; two viewers share the same message objects', async () => {
    const a = follow(null);
    const b = follow(null);
    await expect.poll(() => a.got.length >= 1 && b.got.length >= 1, WAIT).toBe(true);
    expect(a.got[0].kind).toBe('whole');
    // A change of our own (counters may not move on a quiet host): both get the delta that carries it.
    run(THIRD);
    await expect.poll(() => a.got.length >= 2 && b.got.length >= 2, WAIT).toBe(true);
    expect(a.got[1].kind).toBe('delta');
    const shared = a.got.slice(1).filter((m) => b.got.includes(m));
    expect(shared.length).toBeGreaterThan(0);
    await a.stop();
    await b.stop();
  });

  it('a client that loses a message asks for a whole snapshot and ends exactly where the hub is', async () => {
    const s = follow(null);
    await expect.poll(() => s.got.length, WAIT).toBeGreaterThan(0);
    const first = wire(s.got[0]) as Extract<LiveMessage, { kind: 'whole' }>;
    let client = startStream(first.revision, first.snapshot);
    let fed = 1;
    let dropped: number | null = null;
    let resynced = false;
    const pump = async () => {
      for (; fed < s.got.length; fed++) {
        const m = wire(s.got[fed]);
        // Drop the first delta, whatever it carries: the container (started after the whole snapshot) can then
        // only reach the client through the deltas after it or the whole snapshot the gap makes it fetch.
        if (dropped === null && m.kind === 'delta') {
          dropped = m.revision;
          continue;
        }
        client = receive(client, m);
      }
      if (client.resync !== null) {
        const latest = await hub.latest();
        client = receiveFetched(client, wire(latest.whole) as Extract<LiveMessage, { kind: 'whole' }>);
        resynced = true;
      }
      return client;
    };

    run(NAME);
    // On a quiet host the delta carrying NAME may be the only one, and it is the one dropped: once the hub has
    // published NAME, a second change makes the next delta show the client its gap.
    await expect.poll(async () => (await hub.latest()).snapshot.docker?.containers.some((c) => c.name === NAME) ?? false, WAIT).toBe(true);
    run(OTHER);
    await expect.poll(async () => has(await pump(), NAME), WAIT).toBe(true);
    expect(dropped).not.toBeNull();
    expect(resynced).toBe(true);
    execFileSync('docker', ['rm', '-f', NAME, OTHER, THIRD]);
    await expect.poll(async () => has(await pump(), NAME), WAIT).toBe(false);

    // In step with the hub: same revision, same JSON text.
    await expect.poll(async () => {
      const c = await pump();
      const latest = await hub.latest();
      return c.resync === null && c.revision === latest.id && JSON.stringify(c.snapshot) === JSON.stringify(latest.snapshot);
    }, WAIT).toBe(true);
    await s.stop();
  });

  it('resumes from a known event id with deltas, and sends a whole snapshot for another process\'s id', async () => {
    const latest = await hub.latest();
    expect(hub.revisionOfEventId(hub.eventId(latest.id))).toBe(latest.id);
    expect(hub.revisionOfEventId(`zzz-${latest.id}`)).toBeNull();
    const resumed = follow(latest.id - 1 >= 1 ? latest.id - 1 : null);
    const stranger = follow(hub.revisionOfEventId(`zzz-${latest.id}`));
    await expect.poll(() => resumed.got.length > 0 && stranger.got.length > 0, WAIT).toBe(true);
    if (latest.id > 1) expect(resumed.got[0]).toMatchObject({ kind: 'delta', base: latest.id - 1 });
    expect(stranger.got[0].kind).toBe('whole');
    await resumed.stop();
    await stranger.stop();
  });
});
