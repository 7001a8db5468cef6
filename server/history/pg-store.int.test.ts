import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ruledHost } from '../../lib/history/corpus.test-helper';
import { startPgCluster, type PgCluster } from './pg-cluster.test-helper';
import { listPgHosts, openPgHistory, PG_STORE_VERSION, type PgStoreOptions } from './pg-store';
import { life, storeContract, T0, text } from './store-contract.test-helper';

// The PostgreSQL history store against Debian's real server: a private cluster on 127.0.0.1:54341, started here.
// Each contract test gets its own host in the one database, which also shows hosts never see each other's rows.

let cluster: PgCluster;
let pool: pg.Pool;
let hosts = 0;

beforeAll(() => {
  cluster = startPgCluster(54341);
  pool = new pg.Pool({ connectionString: cluster.url, max: 8 });
});

afterAll(async () => {
  await pool?.end();
  cluster?.stop();
});

async function open(host: string, opts: PgStoreOptions) {
  const r = await openPgHistory(pool, host, opts);
  if (!r.ok) throw new Error(r.reason);
  return r.store;
}

storeContract('PostgreSQL', {
  fresh: () => `host-${++hosts}`,
  open,
  rows: async (host) => {
    const r = await pool.query(
      'SELECT r.id, r.at, r.keyframe, r.structural FROM revisions r JOIN hosts h ON h.id = r.host WHERE h.name = $1 ORDER BY r.id',
      [host],
    );
    return r.rows.map((x) => ({ id: Number(x.id), at: Number(x.at), keyframe: x.keyframe, structural: x.structural }));
  },
});

describe('PostgreSQL history store, fleet side', () => {
  it('keeps hosts apart: each has its own history, latest and saved names', async () => {
    const a = await open('fleet-a', {});
    const b = await open('fleet-b', {});
    const ha = life(5, 1000, ruledHost(3));
    const hb = life(5, 1000, ruledHost(7));
    for (let i = 0; i < 5; i++) {
      await a.append(ha[i]);
      await b.append(hb[i]);
    }
    expect(text((await a.latest())!.snapshot)).toBe(text(ha[4]));
    expect(text((await b.latest())!.snapshot)).toBe(text(hb[4]));
    expect(text((await b.snapshotAt(new Date(T0 + 2000)))!.snapshot)).toBe(text(hb[2]));
    await a.save('same-name', '', ha[0]);
    await b.save('same-name', '', hb[0]);
    expect(text((await b.loadSaved('same-name'))!)).toBe(text(hb[0]));
    expect(await listPgHosts(pool)).toEqual(expect.arrayContaining(['fleet-a', 'fleet-b']));
    expect((await a.stats()).revisions).toBe(5);
  });

  it('refuses a database from a newer netatlas, and says why when the server is unreachable', async () => {
    await pool.query("UPDATE netatlas_meta SET value = $1 WHERE key = 'schema_version'", [String(PG_STORE_VERSION + 1)]);
    try {
      const r = await openPgHistory(pool, 'any', {});
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(/newer than this netatlas/);
    } finally {
      await pool.query("UPDATE netatlas_meta SET value = $1 WHERE key = 'schema_version'", [String(PG_STORE_VERSION)]);
    }
    const nowhere = new pg.Pool({ connectionString: 'postgres://netatlas@127.0.0.1:54349/postgres', connectionTimeoutMillis: 5000 });
    const r = await openPgHistory(nowhere, 'any', {});
    await nowhere.end();
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/^PostgreSQL: .*ECONNREFUSED/);
  });
});
