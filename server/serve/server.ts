import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import next from 'next';
import { LIMITS } from '../../lib/limits';
import { stopHub } from '../live/hub';
import { authenticate, cookieValue, FailureLimiter, loginPage, presentedToken, safeNext, sessionCookie, TOKEN_SYNTAX, type AuthResult } from './auth';
import { applySecurityHeaders } from './headers';
import type { ServeOptions } from './options';
import { allowedHosts, isLoopbackBind, screenRequest, type AllowedHosts } from './origin';
import { shareLinks } from '../share/links-store';
import { setServeMode } from './mode';
import { PRINCIPAL_HEADER, resourceOf, SCOPE_HEADER, SHARE_COOKIE, shareCookie, scopeAllows, type Resource, type Scope } from './scope';
import { TokenStore } from './tokens';
import type { Pool } from 'pg';
import { setFleetHub } from '../fleet/current';
import type { FleetHub } from '../fleet/hub';

export interface RunningServer {
  /** http(s)://host:port of the bound address. */
  url: string;
  /** Close the listener and every open connection (streams included), stop the hub and Next. */
  close(): Promise<void>;
}

/** How requests are admitted: open on loopback, by token anywhere else; the fleet API always by token. */
interface Gate {
  allowed: AllowedHosts;
  /** Browsers reach us over https (our own TLS, or the proxy's for --public-name): Secure cookie, HSTS. */
  https: boolean;
  /** Loopback without --public-name: pages and the API need no token. */
  open: boolean;
  /** Null only when open and no hub: nothing then asks for a token. */
  tokens: TokenStore | null;
  limiter: FailureLimiter;
  /** `--hub`: agents' states come in here, whatever `open` says. */
  fleet: FleetHub | null;
}

type Say = (line: string) => void;

/** Starts `netatlas serve`: Next's request handler behind the origin, token and header checks. */
export async function startServer(opts: ServeOptions, say: Say = (l) => process.stderr.write(l + '\n')): Promise<RunningServer> {
  const tls = opts.tls ? { cert: await readFile(opts.tls.cert), key: await readFile(opts.tls.key) } : null;
  const loopback = isLoopbackBind(opts.host);
  // Behind a reverse proxy every request comes from loopback, so a public name needs the token too; the proxy
  // is expected to terminate TLS (cookies are Secure) and pass Host through. No X-Forwarded-* header is trusted.
  const open = loopback && !opts.publicName;
  // A hub checks agents' tokens even on loopback: the store is opened, but no login token is made for the page.
  const tokens = !open ? await openTokens(opts, say) : opts.hub ? await TokenStore.open(opts.dataDir) : null;
  const fleet = opts.hub ? await startFleet(opts.hub.pg, say) : null;
  const gate: Gate = {
    allowed: allowedHosts({ bind: opts.host, port: opts.port, tls: tls !== null, publicName: opts.publicName }),
    https: tls !== null || opts.publicName !== undefined, open, tokens, limiter: new FailureLimiter(), fleet: fleet?.hub ?? null,
  };

  setServeMode({ loopbackOnly: loopback && !opts.publicName });
  const app = next({ dev: false, dir: opts.dir, hostname: opts.host, port: opts.port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    if (admit(req, res, gate)) void handle(req, res);
  };
  const server: Server = tls ? createHttpsServer(tls, onRequest) : createHttpServer(onRequest);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `${tls ? 'https' : 'http'}://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}`;
  if (!loopback && !tls) say(`netatlas: WARNING: serving a token over plain HTTP on ${opts.host}: anyone on the path can read it. Use --tls-cert/--tls-key or a TLS reverse proxy (--public-name).`);
  return {
    url,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Streams are cut, not ended: a browser then shows "reconnecting" and reconnects to whoever serves next.
      server.closeAllConnections();
      await Promise.all([stopHub(), closed]);
      setFleetHub(null);
      await fleet?.pool.end();
      await app.close();
    },
  };
}

/** The fleet hub of `--hub`: its PostgreSQL schema migrated before the first agent is admitted. */
async function startFleet(url: string, say: Say): Promise<{ hub: FleetHub; pool: Pool }> {
  const [{ default: pg }, { FleetHub }, { migratePg }] = await Promise.all([import('pg'), import('../fleet/hub'), import('../history/pg-store')]);
  const pool = new pg.Pool({ connectionString: url, max: 16 });
  pool.on('error', (e) => say(`netatlas: PostgreSQL: ${e.message}`)); // an idle client's connection lost: the next query reconnects
  try {
    await migratePg(pool);
  } catch (e) {
    await pool.end();
    throw new Error(`PostgreSQL: ${(e as Error).message}`);
  }
  const hub = new FleetHub({ pool });
  setFleetHub(hub);
  say('netatlas: fleet hub on: agents POST to /api/fleet/v1/hosts/HOST/ingest with a token scoped to their host (netatlas hub-token)');
  return { hub, pool };
}

async function openTokens(opts: ServeOptions, say: Say): Promise<TokenStore> {
  const store = await TokenStore.open(opts.dataDir);
  const explicit = opts.tokenFile ? (await readFile(opts.tokenFile, 'utf8')).split('\n')[0].trim() : opts.token;
  if (explicit !== undefined) {
    if (!TOKEN_SYNTAX.test(explicit)) throw new Error(`the token ${opts.tokenFile ? `in ${opts.tokenFile}` : 'in NETATLAS_TOKEN'} must be 16-512 characters of A-Z a-z 0-9 . _ ~ + / = -`);
    store.addExplicit(opts.tokenFile ? 'token-file' : 'NETATLAS_TOKEN', explicit);
  } else if (store.size === 0) {
    const token = await store.add('default');
    const host = opts.publicName ?? (opts.host.includes(':') ? `[${opts.host}]` : opts.host);
    const port = opts.publicName ? '' : `:${opts.port}`;
    say(`netatlas: log in (once per browser) at ${opts.tls || opts.publicName ? 'https' : 'http'}://${host}${port}/login?token=${token}`);
    say(`netatlas: only the token's hash is kept (${opts.dataDir}/auth/tokens.json); scripts send "Authorization: Bearer <token>"`);
  } else {
    say(`netatlas: tokens: ${store.names().join(', ')} (${opts.dataDir}/auth/tokens.json; the login URL was printed when each was made)`);
  }
  return store;
}

/** Answers the request here; returns false (it does not go on to Next), so `admit` can `return reply(…)`. */
function reply(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): false {
  res.statusCode = status;
  res.setHeader('Content-Type', type);
  res.setHeader('Cache-Control', 'no-store');
  res.end(body);
  return false;
}

/** Everything before Next sees the request. Answers it and returns false when the request goes no further. */
function admit(req: IncomingMessage, res: ServerResponse, gate: Gate): boolean {
  applySecurityHeaders(req, res, gate.https);
  const screen = screenRequest(req.method ?? 'GET', req.headers, gate.allowed);
  if (!screen.ok) return reply(res, screen.status, `${screen.reason}\n`);
  const path = new URL(req.url ?? '/', 'http://netatlas').pathname;
  const resource = resourceOf(path);
  const limit = gate.fleet && resource.kind === 'ingest' ? LIMITS.ingestBodyBytes : LIMITS.requestBodyBytes;
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) return reply(res, 413, `request bodies are limited to ${limit} bytes\n`);
  if (declared === undefined && req.headers['transfer-encoding'] !== undefined) return reply(res, 411, 'request bodies must state their Content-Length\n');

  if (path === '/login') {
    login(req, res, gate).catch(() => res.destroy()); // the client went away mid-body
    return false;
  }
  delete req.headers[SCOPE_HEADER];
  delete req.headers[PRINCIPAL_HEADER];
  if (gate.fleet && gate.tokens && path.startsWith(FLEET_API)) return fleetRequest(req, res, resource, gate.fleet, gate.tokens, gate.limiter);
  // A dead link answers the same to everyone, token or not: there is nothing behind it any more.
  if (resource.kind === 'share') {
    const links = shareLinks();
    if (!links.ok) return reply(res, 503, `${links.reason}\n`);
    const state = links.store.state(resource.snapshotId);
    if (state !== 'live') return reply(res, state === 'unknown' ? 404 : 410, deadLinkPage(state), 'text/html; charset=utf-8');
  }
  if (gate.open || !gate.tokens) return admitAs(req, { kind: 'full' }, 'local');
  const token = presentedToken(req);
  if (!token) {
    const shared = shareScope(req, res, resource, gate.https);
    if (shared === 'refused') return reply(res, 403, 'this link does not give access to that page\n');
    if (shared) return admitAs(req, shared, 'share link');
  }
  const auth = authenticate(token, clientAddress(req), gate.tokens, gate.limiter);
  if (auth.kind === 'ok') {
    if (scopeAllows(auth.token.scope, resource)) return admitAs(req, auth.token.scope, auth.token.name);
    return reply(res, 403, 'this link does not give access to that page\n');
  }
  return refuse(res, auth, (req.headers.accept ?? '').includes('text/html'), req.url ?? '/');
}

const FLEET_API = '/api/fleet/';

/**
 * The fleet API (`--hub`), token required even on loopback: an agent's token writes its own host and nothing else
 * (no page, no API, not another host); a full token reads the hosts.
 */
function fleetRequest(req: IncomingMessage, res: ServerResponse, resource: Resource, fleet: FleetHub, tokens: TokenStore, limiter: FailureLimiter): false {
  const auth = authenticate(presentedToken(req), clientAddress(req), tokens, limiter);
  if (auth.kind !== 'ok') return refuse(res, auth, false, '/');
  const scope = auth.token.scope;
  if (!scopeAllows(scope, resource)) {
    const what = resource.kind === 'ingest' ? `write host ${resource.host}` : 'read the fleet';
    return reply(res, 403, `token ${auth.token.name} may not ${what}\n`);
  }
  const as = scope.kind === 'agent' ? { kind: 'agent' as const, host: scope.host } : { kind: 'read' as const };
  fleet.handle(req, res, { name: auth.token.name, scope: as }).catch((e: Error) => {
    if (!res.headersSent) reply(res, 500, `${e.message}\n`);
    else res.destroy();
  });
  return false;
}

/** Tells the page and the API what this request may do (headers no client can set: they were deleted above). */
function admitAs(req: IncomingMessage, scope: Scope, principal: string): true {
  req.headers[SCOPE_HEADER] = scope.kind;
  req.headers[PRINCIPAL_HEADER] = principal;
  return true;
}

/**
 * A request without a token may carry a share link: opening `/s/<id>` (live, checked before) grants that link and
 * sets the share cookie, so its page's static files load; a cookie for a link still live grants what that link
 * may read and nothing else ('refused'). null: no live share link here, so the token is asked for.
 */
function shareScope(req: IncomingMessage, res: ServerResponse, resource: Resource, secure: boolean): Scope | 'refused' | null {
  if (resource.kind === 'share') {
    res.setHeader('Set-Cookie', shareCookie(resource.snapshotId, secure));
    return { kind: 'share', snapshotId: resource.snapshotId };
  }
  const id = cookieValue(req.headers.cookie, SHARE_COOKIE);
  const links = id === undefined ? null : shareLinks();
  if (!id || !links?.ok || links.store.state(id) !== 'live') return null;
  const scope: Scope = { kind: 'share', snapshotId: id };
  return scopeAllows(scope, resource) ? scope : 'refused';
}

function deadLinkPage(state: 'unknown' | 'expired' | 'revoked'): string {
  const why = state === 'unknown' ? 'There is no shared snapshot at this address.' : `This share link has ${state === 'expired' ? 'expired' : 'been revoked'}.`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>netatlas — link not available</title>
<style>body{font:15px system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem}</style></head>
<body><h1>netatlas</h1><p data-testid="dead-link">${why}</p><p>Ask whoever sent it for a new link.</p></body></html>`;
}

function clientAddress(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

function refuse(res: ServerResponse, auth: Exclude<AuthResult, { kind: 'ok' }>, html: boolean, next: string): false {
  if (auth.kind === 'limited') {
    res.setHeader('Retry-After', String(Math.ceil(auth.retryAfterMs / 1000)));
    return reply(res, 429, 'too many failed attempts from this address; try again later\n');
  }
  res.setHeader('WWW-Authenticate', 'Bearer realm="netatlas"');
  const message = auth.kind === 'wrong' ? 'That token is not valid.' : 'This netatlas needs a token.';
  if (html) return reply(res, 401, loginPage(message, safeNext(next)), 'text/html; charset=utf-8');
  return reply(res, 401, `${message} Send "Authorization: Bearer <token>" or log in at /login.\n`);
}

/** `/login?token=…` (the printed URL) or the login form's POST: set the cookie, then go to a URL without the token. */
async function login(req: IncomingMessage, res: ServerResponse, gate: Gate) {
  const url = new URL(req.url ?? '/login', 'http://netatlas');
  if (gate.open || !gate.tokens) return redirect(res, safeNext(url.searchParams.get('next')));
  let params = url.searchParams;
  if (req.method === 'POST') {
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return reply(res, 415, 'the login form posts application/x-www-form-urlencoded\n');
    params = new URLSearchParams(await readBody(req));
  } else if (req.method !== 'GET' && req.method !== 'HEAD') {
    return reply(res, 405, 'GET or POST\n');
  }
  const next = safeNext(params.get('next'));
  const token = params.get('token') ?? undefined;
  if (token === undefined) return reply(res, 200, loginPage('This netatlas needs a token.', next), 'text/html; charset=utf-8');
  const auth = authenticate(token, clientAddress(req), gate.tokens, gate.limiter);
  if (auth.kind !== 'ok') return refuse(res, auth, true, next);
  // An agent's token writes its host's states; it opens no page.
  if (auth.token.scope.kind === 'agent') return reply(res, 403, 'an agent token cannot log in\n');
  res.setHeader('Set-Cookie', sessionCookie(token, gate.https));
  redirect(res, next);
}

function redirect(res: ServerResponse, location: string) {
  res.statusCode = 303;
  res.setHeader('Location', location);
  res.setHeader('Cache-Control', 'no-store');
  res.end();
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
