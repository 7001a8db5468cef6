import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import pg from 'pg';
import { parseSnapshot, type Snapshot } from '../../lib/snapshot/schema';
import { DELTA_FORMAT, DELTA_VERSION, tryApplyDelta, type SnapshotDelta } from '../../lib/history/delta';
import { INGEST_PATH, IngestBatch, isHostName, parseScope, type IngestReply, type Scope } from '../../lib/fleet/protocol';
import type { LiveMessage } from '../../lib/history/stream';
import { LIMITS } from '../../lib/limits';
import { listPgHosts, openPgHistory, type PgHistoryStore, type PgStoreOptions } from '../history/pg-store';
import type { TokenVerifier } from './tokens';

/**
 * The fleet hub: agents POST their host's states (lib/fleet/protocol.ts), the hub keeps each host's history in
 * PostgreSQL (one PgHistoryStore per host) and serves the host list and each host's latest snapshot as JSON.
 * Per host it remembers, in memory, the agent session it follows, the last state number and that state: enough to
 * apply the next delta. After a restart it knows none of it and asks agents to resync (a whole snapshot, which the
 * store diffs against what it already holds, so nothing is stored twice).
 */

export interface FleetHubOptions {
  pool: pg.Pool;
  /** Checks Bearer tokens for `server()`; `netatlas serve --hub` checks them itself and calls `handle`. */
  tokens?: TokenVerifier;
  store?: PgStoreOptions;
  /** Largest request body accepted. */
  maxBodyBytes?: number;
}

interface HostState {
  session: string;
  seq: number;
  snapshot: Snapshot;
}

type DeltaMessage = Extract<LiveMessage, { kind: 'delta' }>;

/**
 * What viewers of a host follow: the newest stored revision and the deltas that led to it, numbered by the store's
 * revision ids (which survive a restart of the hub, unlike agents' state numbers).
 */
interface Feed {
  revision: number;
  recent: DeltaMessage[];
}

/** Deltas kept per host for viewers: a viewer polling every 2 s is never more than a few behind. */
const FEED_DEPTH = 32;

export interface IngestCounters {
  batches: number;
  states: number;
  revisions: number;
  resyncs: number;
}

export class FleetHub {
  private readonly stores = new Map<string, Promise<PgHistoryStore>>();
  private readonly state = new Map<string, HostState>();
  private readonly feeds = new Map<string, Feed>();
  /** One ingest at a time per host: states are chained. */
  private readonly queues = new Map<string, Promise<unknown>>();
  readonly counters: IngestCounters = { batches: 0, states: 0, revisions: 0, resyncs: 0 };

  constructor(private readonly opts: FleetHubOptions) {}

  private store(host: string): Promise<PgHistoryStore> {
    let s = this.stores.get(host);
    if (!s) {
      s = openPgHistory(this.opts.pool, host, this.opts.store).then((r) => {
        if (!r.ok) throw new Error(r.reason);
        return r.store;
      });
      // A failed open is retried by the next request.
      s.catch(() => this.stores.delete(host));
      this.stores.set(host, s);
    }
    return s;
  }

  /** Apply one batch for `host`, in order; stops at the first state it cannot use and says why. */
  ingest(host: string, batch: IngestBatch): Promise<IngestReply> {
    const prev = this.queues.get(host) ?? Promise.resolve();
    const run = prev.then(() => this.ingestNow(host, batch));
    this.queues.set(host, run.catch(() => undefined));
    return run;
  }

  private async ingestNow(host: string, batch: IngestBatch): Promise<IngestReply> {
    this.counters.batches++;
    const store = await this.store(host);
    let cur = this.state.get(host);
    const acked = () => (cur?.session === batch.session ? cur.seq : null);
    for (const item of batch.items) {
      if (cur?.session === batch.session && item.seq <= cur.seq) continue; // resent: already held
      let next: Snapshot;
      if (item.snapshot !== undefined) {
        try {
          next = parseSnapshot(item.snapshot);
        } catch (e) {
          return { acked: acked(), resync: false, error: `state ${item.seq}: ${(e as Error).message}` };
        }
      } else if (item.delta !== undefined && cur?.session === batch.session && item.seq === cur.seq + 1) {
        const d = item.delta as Partial<SnapshotDelta>;
        if (d?.format !== DELTA_FORMAT || d.version !== DELTA_VERSION) {
          return { acked: acked(), resync: false, error: `state ${item.seq}: not a ${DELTA_FORMAT} version ${DELTA_VERSION}` };
        }
        const applied = tryApplyDelta(cur.snapshot, d as SnapshotDelta);
        if (!applied.ok) {
          this.counters.resyncs++;
          return { acked: acked(), resync: true, error: `state ${item.seq}: ${applied.reason}` };
        }
        // The agent is trusted with its own host only, not with well-formed data: the result is validated whole.
        try {
          next = parseSnapshot(applied.snapshot);
        } catch (e) {
          return { acked: acked(), resync: false, error: `state ${item.seq}: ${(e as Error).message}` };
        }
      } else {
        this.counters.resyncs++;
        return { acked: acked(), resync: true };
      }
      const r = await store.append(next);
      this.counters.states++;
      cur = { session: batch.session, seq: item.seq, snapshot: next };
      this.state.set(host, cur);
      if (r) {
        this.counters.revisions++;
        const feed = this.feeds.get(host) ?? { revision: r.revision, recent: [] };
        feed.recent = r.base !== null && r.delta ? [...feed.recent.slice(1 - FEED_DEPTH), { kind: 'delta', revision: r.revision, base: r.base, delta: r.delta }] : [];
        feed.revision = r.revision;
        this.feeds.set(host, feed);
      }
    }
    return { acked: acked(), resync: false };
  }

  async hosts(): Promise<{ name: string; revision: number | null; at: string | null }[]> {
    const names = await listPgHosts(this.opts.pool);
    const r = await this.opts.pool.query<{ name: string; id: string | null; at: string | null }>(
      'SELECT h.name, MAX(r.id) AS id, MAX(r.at) AS at FROM hosts h LEFT JOIN revisions r ON r.host = h.id GROUP BY h.name',
    );
    const by = new Map(r.rows.map((x) => [x.name, x]));
    return names.map((name) => {
      const x = by.get(name);
      return { name, revision: x?.id ? Number(x.id) : null, at: x?.at ? new Date(Number(x.at)).toISOString() : null };
    });
  }

  /** The host's newest state: the one this process last stored (no rebuild), else the store's. */
  async latest(host: string): Promise<Snapshot | null> {
    const held = this.state.get(host);
    if (held) return held.snapshot;
    const store = await this.history(host);
    return (await store?.latest())?.snapshot ?? null;
  }

  /**
   * What a viewer holding `revision` of the host needs to be at the newest one (the live stream's messages,
   * lib/history/stream): nothing when it is there, the deltas since when this process still has them, else the
   * whole snapshot. A delta not based on what the viewer holds (another writer came between) makes it ask again
   * with no revision. Null for a host no agent ever sent.
   */
  async since(host: string, revision: number | null): Promise<LiveMessage[] | null> {
    const feed = this.feeds.get(host);
    const held = this.state.get(host);
    if (feed && held) {
      if (revision === feed.revision) return [];
      const from = revision === null ? -1 : feed.recent.findIndex((m) => m.base === revision);
      if (from >= 0) return feed.recent.slice(from);
      return [{ kind: 'whole', revision: feed.revision, snapshot: held.snapshot }];
    }
    const stored = await (await this.history(host))?.latest();
    if (!stored) return null;
    return revision === stored.revision ? [] : [{ kind: 'whole', revision: stored.revision, snapshot: stored.snapshot }];
  }

  /** A host's history (time travel, the change log, saved snapshots), or null for a host no agent ever sent. */
  async history(host: string): Promise<PgHistoryStore | null> {
    if (!this.state.has(host) && !(await listPgHosts(this.opts.pool)).includes(host)) return null;
    return this.store(host);
  }

  /** The hub on its own (`netatlas hub`): the fleet API, each request's Bearer token checked by `tokens`. */
  server(): Server {
    return createServer((req, res) => {
      this.authenticated(req, res).catch((e) => send(res, 500, { error: (e as Error).message }));
    });
  }

  private async authenticated(req: IncomingMessage, res: ServerResponse) {
    const auth = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    const who = auth && this.opts.tokens ? await this.opts.tokens.verify(auth[1]) : null;
    if (!who) return send(res, 401, { error: 'a valid Bearer token is required' });
    const scope = parseScope(who.scope);
    if (!scope) return send(res, 403, { error: `token ${who.name} has an unknown scope` });
    return this.handle(req, res, { name: who.name, scope });
  }

  /**
   * The fleet API for a request whose credential is known (`netatlas serve --hub` authenticates with its own token
   * store first): ingest for agents, the host list and latest snapshots for readers.
   */
  async handle(req: IncomingMessage, res: ServerResponse, who: { name: string; scope: Scope }) {
    const url = new URL(req.url ?? '/', 'http://hub');
    const scope = who.scope;
    const ingest = INGEST_PATH.exec(url.pathname);
    if (ingest) {
      if (req.method !== 'POST') return send(res, 405, { error: 'POST only' });
      const host = ingest[1]; // a host name needs no escaping: a %-escaped one is not a host name
      if (!isHostName(host)) return send(res, 400, { error: 'not a host name' });
      // Each agent writes its own host and nothing else.
      if (scope.kind !== 'agent' || scope.host !== host) return send(res, 403, { error: `token ${who.name} may not write host ${host}` });
      const body = await readBody(req, this.opts.maxBodyBytes ?? LIMITS.ingestBodyBytes);
      if (!body.ok) return send(res, 413, { error: body.error });
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.text);
      } catch {
        return send(res, 400, { error: 'the body is not JSON' });
      }
      const batch = IngestBatch.safeParse(parsed);
      if (!batch.success) return send(res, 400, { error: `not an ingest batch: ${batch.error.issues[0]?.message}` });
      try {
        const reply = await this.ingest(host, batch.data);
        return send(res, reply.error && !reply.resync ? 422 : 200, reply);
      } catch (e) {
        return send(res, 503, { error: `storage: ${(e as Error).message}` });
      }
    }
    if (req.method !== 'GET') return send(res, 405, { error: 'GET only' });
    if (scope.kind !== 'read') return send(res, 403, { error: `token ${who.name} may only write its host` });
    if (url.pathname === '/api/fleet/v1/hosts') return send(res, 200, await this.hosts());
    const latest = /^\/api\/fleet\/v1\/hosts\/([^/]+)\/latest$/.exec(url.pathname);
    if (latest) {
      const s = isHostName(latest[1]) ? await this.latest(latest[1]) : null;
      return s ? send(res, 200, s) : send(res, 404, { error: 'no such host' });
    }
    return send(res, 404, { error: 'not found' });
  }
}

function send(res: ServerResponse, status: number, body: unknown) {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage, max: number): Promise<{ ok: true; text: string } | { ok: false; error: string }> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    n += c.length;
    if (n > max) return { ok: false, error: `the body is larger than ${max} bytes` };
    chunks.push(c);
  }
  return { ok: true, text: Buffer.concat(chunks).toString('utf8') };
}
