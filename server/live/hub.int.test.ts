import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { Hub, type Revision } from './hub';

// The hub against the real lab: revisions on change only, resumable ids, subscriptions released on abort.
// Waits are sized for a cold, busy 2-core machine: the first collection alone can take 5–20 s there; the CLI's
// snapshot took ~29 s at a load of 35.
const WAIT = { timeout: 60_000, interval: 20 };

const hub = new Hub({ tickMs: 500 });
afterAll(async () => {
  await hub.close();
  execFileSync('sh', ['-c', 'docker rm -f lab-hub-test >/dev/null 2>&1 || true']);
});

/** Collect revisions from a subscription into an array until aborted. */
function follow(lastId: number | null) {
  const ac = new AbortController();
  const got: Revision[] = [];
  const done = (async () => {
    for await (const r of hub.revisionsSince(lastId, ac.signal)) got.push(r);
  })();
  return { got, stop: async () => (ac.abort(), await done) };
}

describe('the live hub', () => {
  it('starts a subscription with the current revision, and releases it on abort', async () => {
    const s = follow(null);
    await expect.poll(() => s.got.length, WAIT).toBe(1);
    expect(s.got[0].snapshot.docker?.containers.some((c) => c.name === 'lab-web')).toBe(true);
    expect(hub.viewers).toBe(1);
    await s.stop();
    expect(hub.viewers).toBe(0);
  });

  it('publishes nothing when nothing changed', async () => {
    // Something else on the host may change meanwhile (a busy machine, a neighbour's container): then try again.
    // A hub that published on every collection would never get here.
    const quietCollection = async () => {
      const before = (await hub.latest()).id;
      await hub.collect();
      await hub.collect();
      return (await hub.latest()).id === before;
    };
    await expect.poll(quietCollection, WAIT).toBe(true);
  });

  it('publishes a revision with a new container soon after docker run, and one without it after rm', async () => {
    const s = follow((await hub.latest()).id);
    const t0 = performance.now();
    execFileSync('docker', ['run', '-d', '--name', 'lab-hub-test', '--label', 'netatlas.lab=1', 'netatlas-lab/busybox:1']);
    await expect
      .poll(() => s.got.some((r) => r.snapshot.docker?.containers.some((c) => c.name === 'lab-hub-test' && c.namespaceId)), WAIT)
      .toBe(true);
    console.log(`docker run → revision with the container: ${(performance.now() - t0).toFixed(0)} ms (from before docker run started)`);
    execFileSync('docker', ['rm', '-f', 'lab-hub-test']);
    await expect
      .poll(() => s.got.at(-1)?.snapshot.docker?.containers.some((c) => c.name === 'lab-hub-test'), WAIT)
      .toBe(false);
    const ids = s.got.map((r) => r.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b)); // in order, no repeats
    expect(new Set(ids).size).toBe(ids.length);
    await s.stop();
  });

  it('resumes after a known id, and sends the latest for an unknown one', async () => {
    const latest = await hub.latest();
    const upToDate = follow(latest.id);
    const stale = follow(latest.id + 1000); // e.g. from before a server restart
    await expect.poll(() => stale.got.length, WAIT).toBe(1);
    expect(stale.got[0].id).toBe(latest.id);
    // Both have read their backlog by now; after one more whole collection, the up-to-date one has been sent
    // nothing it already had (only a revision published since, if the host changed meanwhile).
    await hub.collect();
    expect(upToDate.got.filter((r) => r.id <= latest.id)).toEqual([]);
    await upToDate.stop();
    await stale.stop();
  });
});
