import { readFile, rename, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { isHostName, parseScope } from '../../lib/fleet/protocol';
import { parseSnapshot } from '../../lib/snapshot/schema';
import { FileTokens, hashToken, newToken, type TokenEntry } from './tokens';

type Flags = Record<string, string | true>;
const str = (v: string | true | undefined) => (typeof v === 'string' ? v : undefined);
const err = (cmd: string, msg: string) => {
  process.stderr.write(`netatlas ${cmd}: ${msg}\n`);
  return 1;
};

/** `netatlas agent --hub URL --token-file F [--name HOST] [--interval MS] [--data DIR] [--proc-root DIR …] [--snapshot-source FILE]` */
export async function agentCommand(f: Flags): Promise<number> {
  if (typeof f.hub !== 'string' || typeof f['token-file'] !== 'string') return err('agent', '--hub URL and --token-file FILE are required');
  const host = typeof f.name === 'string' ? f.name : hostname();
  if (!isHostName(host)) return err('agent', `'${host}' is not a host name`);
  let token: string;
  try {
    token = (await readFile(f['token-file'], 'utf8')).trim();
  } catch (e) {
    return err('agent', `cannot read the token: ${(e as Error).message}`);
  }
  const interval = typeof f.interval === 'string' ? Number(f.interval) : 1000;
  if (!Number.isInteger(interval) || interval < 50) return err('agent', '--interval takes milliseconds (at least 50)');
  const source = f['snapshot-source'];
  let collect: () => Promise<import('../../lib/snapshot/schema').Snapshot>;
  let close = () => {};
  if (typeof source === 'string') {
    // A test seam: the file is read on every tick (a test rewrites it to make the "host" change).
    collect = async () => parseSnapshot(JSON.parse(await readFile(source, 'utf8')));
  } else {
    const [{ Collector }, { hostPaths }] = await Promise.all([import('../collect/collector'), import('../collect/host-paths')]);
    let paths;
    try {
      paths = hostPaths({ proc: str(f['proc-root']), dockerNetns: str(f['docker-netns']), netns: str(f['netns-dir']) });
    } catch (e) {
      return err('agent', (e as Error).message);
    }
    const c = new Collector({ hostPaths: paths, dockerHost: str(f['docker-host']) });
    c.watch();
    collect = () => c.snapshot();
    close = () => c.close();
  }
  const [{ Agent }, { DiskQueue }, { defaultDataDir }] = await Promise.all([import('./agent'), import('./agent-queue'), import('../history/data-dir')]);
  let queue;
  try {
    queue = new DiskQueue(str(f.data) ?? defaultDataDir(), host);
  } catch (e) {
    return err('agent', `cannot keep the queue on disk: ${(e as Error).message}`);
  }
  const agent = new Agent({ hub: f.hub, host, token, collect, intervalMs: interval, queue, log: (l) => process.stdout.write(`${l}\n`) });
  agent.start();
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  agent.stop();
  close();
  return 0;
}

/** `netatlas hub --pg URL --tokens FILE [--host 127.0.0.1] [--port 4350]` */
export async function hubCommand(f: Flags): Promise<number> {
  if (typeof f.pg !== 'string' || typeof f.tokens !== 'string') return err('hub', '--pg URL and --tokens FILE are required');
  const host = typeof f.host === 'string' ? f.host : '127.0.0.1';
  const port = typeof f.port === 'string' ? Number(f.port) : 4350;
  if (!Number.isInteger(port) || port < 1 || port > 65535) return err('hub', '--port takes a port number');
  const [{ default: pg }, { FleetHub }, { migratePg }] = await Promise.all([import('pg'), import('./hub'), import('../history/pg-store')]);
  const pool = new pg.Pool({ connectionString: f.pg, max: 16 });
  try {
    await migratePg(pool);
  } catch (e) {
    await pool.end();
    return err('hub', `PostgreSQL: ${(e as Error).message}`);
  }
  const hub = new FleetHub({ pool, tokens: new FileTokens(f.tokens) });
  const server = hub.server();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  process.stdout.write(`hub listening on http://${host}:${port}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  server.close();
  await pool.end();
  return 0;
}

/**
 * `netatlas hub-token --name NAME --scope agent:HOST|read [--data DIR]`: adds a token to `netatlas serve`'s store
 * (what `serve --hub` checks; `read` is a full token: the page, the API and the fleet's hosts), prints it once;
 * `--revoke NAME` removes one, at once for a running server. `--tokens FILE` writes the standalone hub's file instead.
 */
export async function hubTokenCommand(f: Flags): Promise<number> {
  if (typeof f.revoke === 'string') {
    if (typeof f.tokens === 'string') return err('hub-token', '--revoke works on the serve store (--data DIR); edit the --tokens file by hand');
    const store = await serveTokens(f);
    if (!(await store.revoke(f.revoke))) return err('hub-token', `no token named ${f.revoke}`);
    process.stdout.write(`revoked ${f.revoke}\n`);
    return 0;
  }
  if (typeof f.name !== 'string' || typeof f.scope !== 'string') {
    return err('hub-token', '--name NAME and --scope agent:HOST|read are required (or --revoke NAME)');
  }
  const scope = parseScope(f.scope);
  if (!scope) return err('hub-token', `unknown scope '${f.scope}' (agent:HOST or read)`);
  if (typeof f.tokens !== 'string') {
    const store = await serveTokens(f);
    if (store.names().includes(f.name)) return err('hub-token', `a token named ${f.name} exists`);
    process.stdout.write(`${await store.add(f.name, scope.kind === 'agent' ? scope : { kind: 'full' })}\n`);
    return 0;
  }
  let entries: TokenEntry[] = [];
  try {
    entries = JSON.parse(await readFile(f.tokens, 'utf8')) as TokenEntry[];
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return err('hub-token', `cannot read ${f.tokens}: ${(e as Error).message}`);
  }
  if (entries.some((e) => e.name === f.name)) return err('hub-token', `a token named ${f.name} exists`);
  const token = newToken();
  entries.push({ name: f.name, scope: f.scope, sha256: hashToken(token) });
  await writeFile(`${f.tokens}.tmp`, JSON.stringify(entries, null, 2) + '\n', { mode: 0o600 });
  await rename(`${f.tokens}.tmp`, f.tokens);
  process.stdout.write(`${token}\n`);
  return 0;
}

/** The store `netatlas serve` reads: the same data directory as serve picks (--data, NETATLAS_DATA, the default). */
async function serveTokens(f: Flags) {
  const [{ TokenStore }, { defaultDataDir }] = await Promise.all([import('../serve/tokens'), import('../history/data-dir')]);
  return TokenStore.open(typeof f.data === 'string' ? f.data : process.env.NETATLAS_DATA || defaultDataDir());
}
