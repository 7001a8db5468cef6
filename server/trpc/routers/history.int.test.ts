import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CSRF_HEADER, csrfSecret } from '../../serve/csrf';
import { history, hub, stopHub } from '../../live/hub';
import { appRouter } from '../router';

// The history API as the page calls it, over the process-wide hub and recorder (real host, a real SQLite file in
// a temporary NETATLAS_DATA, set before the first call creates them).
const data = mkdtempSync(join(tmpdir(), 'netatlas-history-api-'));
process.env.NETATLAS_DATA = data;
const NAME = `lab-api-tt-${randomBytes(3).toString('hex')}`;
const WAIT = { timeout: 60_000, interval: 200 };

// As the page sends them: same origin, and the page's CSRF secret (writes need both).
const PAGE = { origin: 'http://127.0.0.1:4100', host: '127.0.0.1:4100' };
const api = appRouter.createCaller({ headers: new Headers({ ...PAGE, [CSRF_HEADER]: csrfSecret() }) });
const noCsrf = appRouter.createCaller({ headers: new Headers(PAGE) });
afterAll(async () => {
  await stopHub();
  execFileSync('sh', ['-c', `docker rm -f ${NAME} >/dev/null 2>&1 || true`]);
  rmSync(data, { recursive: true, force: true });
});

describe('the history API', () => {
  it('says history is on, and records the host while nobody watches', async () => {
    hub();
    await expect.poll(async () => {
      const s = await api.history.status();
      return s.on && s.revisions > 0;
    }, WAIT).toBe(true);
  });

  it('shows the host as it was before a container started, and the change log has its start', async () => {
    await history().flush();
    const before = new Date().toISOString();
    execFileSync('docker', ['run', '-d', '--name', NAME, '--label', 'netatlas.lab=1', 'netatlas-lab/busybox:1']);
    await expect.poll(async () => {
      const c = await api.history.changes({ since: before });
      return c.ok && c.changes.some((x) => x.kind === 'container' && x.action === 'added' && x.subject === NAME);
    }, WAIT).toBe(true);

    const past = await api.history.at({ ref: before });
    expect(past.ok && !past.live).toBe(true);
    if (!past.ok || past.live) return;
    expect(Date.parse(past.at)).toBeLessThanOrEqual(Date.parse(before));
    const names = past.snapshot.docker?.containers.map((c) => c.name) ?? [];
    expect(names).toContain('lab-web');
    expect(names).not.toContain(NAME);
    expect(await api.history.at({ ref: 'live' })).toEqual({ ok: true, live: true });
  });

  it('saves the live host and a moment, lists them with host and size, opens and deletes them', async () => {
    const moment = new Date().toISOString();
    await expect(noCsrf.history.save({ name: 'api-live', note: '' })).rejects.toThrow(CSRF_HEADER);
    const live = await api.history.save({ name: 'api-live', note: 'from the test' });
    expect(live).toMatchObject({ ok: true, saved: { name: 'api-live', note: 'from the test', hostname: execFileSync('hostname', { encoding: 'utf8' }).trim() } });
    expect(await api.history.save({ name: 'api-moment', note: '', at: moment })).toMatchObject({ ok: true });
    expect(await api.history.save({ name: 'api-live', note: '' })).toEqual({ ok: false, error: "a snapshot named 'api-live' exists already" });
    expect(await api.history.save({ name: 'live', note: '' })).toMatchObject({ ok: false, error: expect.stringContaining('reserved') });

    const list = await api.history.saved();
    expect(list.ok && list.saved.map((s) => s.name).sort()).toEqual(['api-live', 'api-moment']);
    expect(list.ok && list.saved.every((s) => s.bytes > 0)).toBe(true);
    const opened = await api.history.at({ ref: 'name:api-live' });
    expect(opened).toMatchObject({ ok: true, live: false, label: "saved 'api-live'" });

    expect(await api.history.deleteSaved({ name: 'api-live' })).toEqual({ ok: true, deleted: true });
    expect(await api.history.deleteSaved({ name: 'api-live' })).toEqual({ ok: true, deleted: false });
    expect(await api.history.at({ ref: 'name:api-live' })).toMatchObject({ ok: false, error: "no saved snapshot named 'api-live'" });
  });

  it('never reads files for the page, and says what is wrong with a reference', async () => {
    for (const ref of ['/etc/hostname', 'file:/etc/hostname', 'x.json']) {
      expect(await api.history.at({ ref })).toMatchObject({ ok: false, error: expect.stringContaining('does not open snapshot files') });
    }
    expect(await api.history.at({ ref: '-5x' })).toMatchObject({ ok: false, error: expect.stringContaining('not a time') });
  });
});
