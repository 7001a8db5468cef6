import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Hub } from '../live/hub';
import { openRecorder, type HistoryRecorder } from './recorder';

// The hub records into history with nobody watching; a full disk turns history off and live goes on.
// Real dockerd, a real SQLite file, and for the full disk a real 1 MB tmpfs.

const root = mkdtempSync(join(tmpdir(), 'netatlas-recorder-'));
const tiny = join(root, 'tiny');
const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const c of cleanups.reverse()) c();
  spawnSync('sh', ['-c', 'docker rm -f lab-history-a lab-history-b >/dev/null 2>&1 || true']);
  spawnSync('umount', [tiny]);
});

const run = (name: string) => execFileSync('docker', ['run', '-d', '--name', name, '--label', 'netatlas.lab=1', 'netatlas-lab/busybox:1']);
const rm = (name: string) => execFileSync('docker', ['rm', '-f', name]);

function recordingHub(recorder: HistoryRecorder): Hub {
  const hub = new Hub({ onRevision: (r) => recorder.record(r.snapshot), idleTickMs: 2_000 });
  cleanups.push(() => {
    hub.close();
    recorder.close();
  });
  return hub;
}

describe('recording the live hub', () => {
  it('records revisions while nobody watches: a container that came and went is in the log and in the past', async () => {
    const recorder = openRecorder({ NETATLAS_DATA: join(root, 'data') });
    expect(recorder.status).toEqual({ on: true, path: join(root, 'data', 'history.sqlite') });
    const hub = recordingHub(recorder);
    const store = recorder.history!;
    await expect.poll(async () => (await store.stats()).revisions, { timeout: 60_000, interval: 200 }).toBeGreaterThan(0);
    const start = new Date();
    run('lab-history-a');
    const added = async () => (await store.changesSince(start)).some((c) => c.kind === 'container' && c.action === 'added' && c.subject === 'lab-history-a');
    await expect.poll(added, { timeout: 60_000, interval: 200 }).toBe(true);
    const whileUp = (await store.changesSince(start)).find((c) => c.subject === 'lab-history-a')!.at;
    rm('lab-history-a');
    const removed = async () => (await store.changesSince(start)).some((c) => c.kind === 'container' && c.action === 'removed' && c.subject === 'lab-history-a');
    await expect.poll(removed, { timeout: 60_000, interval: 200 }).toBe(true);
    expect(hub.viewers).toBe(0);
    // The past: the container at the moment it was recorded, absent now.
    const then = await store.snapshotAt(whileUp);
    expect(then!.snapshot.docker!.containers.some((c) => c.name === 'lab-history-a')).toBe(true);
    const now = await store.snapshotAt(new Date(Date.now() + 1000));
    expect(now!.snapshot.docker!.containers.some((c) => c.name === 'lab-history-a')).toBe(false);
  });

  it('a full disk turns history off with the reason, and live keeps publishing', async () => {
    mkdirSync(tiny, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', tiny]);
    const recorder = openRecorder({ NETATLAS_DATA: join(tiny, 'data') });
    expect(recorder.status.on).toBe(true);
    // Fill what is left of the 1 MB.
    let filled = 0;
    for (;;) {
      const r = spawnSync('dd', ['if=/dev/zero', `of=${join(tiny, `fill-${filled++}`)}`, 'bs=4k', 'count=64'], { encoding: 'utf8' });
      if (r.status !== 0) break;
    }
    const hub = recordingHub(recorder);
    await expect.poll(() => recorder.status.on, { timeout: 60_000, interval: 200 }).toBe(false);
    expect(recorder.status).toMatchObject({ on: false, reason: expect.stringMatching(/full|space/i) });
    expect(recorder.history).toBeNull();
    // Live goes on: a new container still reaches the hub's revisions.
    const before = (await hub.latest()).id;
    run('lab-history-b');
    await expect
      .poll(async () => (await hub.latest()).snapshot.docker?.containers.some((c) => c.name === 'lab-history-b'), { timeout: 60_000, interval: 200 })
      .toBe(true);
    expect((await hub.latest()).id).toBeGreaterThan(before);
    rm('lab-history-b');
  });

  it('an unusable data directory reports history off with why, without throwing', () => {
    const file = join(root, 'not-a-dir');
    writeFileSync(file, '');
    const recorder = openRecorder({ NETATLAS_DATA: join(file, 'data') });
    expect(recorder.status).toMatchObject({ on: false, reason: expect.stringMatching(/ENOTDIR/) });
    recorder.record({} as never); // ignored, no throw
    expect(openRecorder({ NETATLAS_HISTORY: 'off' }).status).toEqual({ on: false, reason: 'disabled (NETATLAS_HISTORY=off)' });
  });
});
