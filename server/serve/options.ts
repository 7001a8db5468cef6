import { defaultDataDir } from '../history/data-dir';

/** Everything `netatlas serve` was started with, after flags and environment are combined. */
export interface ServeOptions {
  host: string;
  port: number;
  /** A file holding the token (first line); NETATLAS_TOKEN is the other way to give one. */
  tokenFile?: string;
  token?: string;
  tls?: { cert: string; key: string };
  /** The name a reverse proxy serves us under; accepted in Host/Origin besides our own addresses. */
  publicName?: string;
  /** Where netatlas keeps state (tokens now, history later). */
  dataDir: string;
  /** The Next.js project directory (holding .next). */
  dir: string;
  /** `--hub`: also a fleet hub — agents POST their hosts' states, kept in this PostgreSQL database. */
  hub?: { pg: string };
}

export type Flags = Record<string, string | true>;
type Env = Readonly<Record<string, string | undefined>>;

export const SERVE_FLAGS = {
  host: 'value', port: 'value', 'token-file': 'value', 'tls-cert': 'value', 'tls-key': 'value', 'public-name': 'value', data: 'value',
} as const;

/** `serve` only (not `open`): the fleet hub in the same process. */
export const HUB_FLAGS = { hub: 'flag', pg: 'value' } as const;

const str = (v: string | true | undefined) => (typeof v === 'string' ? v : undefined);

/** Flags win over HOST/PORT/NETATLAS_TOKEN. Returns what is wrong as text when the combination is unusable. */
export function resolveServeOptions(flags: Flags, env: Env, dir: string): { ok: true; options: ServeOptions } | { ok: false; error: string } {
  const host = str(flags.host) ?? (env.HOST || '127.0.0.1');
  const portText = str(flags.port) ?? (env.PORT || '4100');
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) return { ok: false, error: `--port must be a number from 1 to 65535, not '${portText}'` };
  const cert = str(flags['tls-cert']);
  const key = str(flags['tls-key']);
  if (Boolean(cert) !== Boolean(key)) return { ok: false, error: '--tls-cert and --tls-key go together' };
  const tokenFile = str(flags['token-file']);
  const token = tokenFile ? undefined : env.NETATLAS_TOKEN || undefined;
  const pg = str(flags.pg) ?? (env.NETATLAS_PG || undefined);
  if (flags.hub === true && !pg) return { ok: false, error: '--hub needs --pg URL (or NETATLAS_PG): the database that keeps the fleet\'s history' };
  if (flags.pg !== undefined && flags.hub !== true) return { ok: false, error: '--pg goes with --hub' };
  const publicName = str(flags['public-name']);
  if (publicName !== undefined && !/^[A-Za-z0-9.-]+(:\d+)?$|^\[[0-9A-Fa-f:.]+\](:\d+)?$/.test(publicName)) {
    return { ok: false, error: `--public-name must be a host name (optionally :port), not '${publicName}'` };
  }
  return {
    ok: true,
    options: {
      host, port, tokenFile, token, publicName, dir,
      tls: cert && key ? { cert, key } : undefined,
      hub: flags.hub === true && pg ? { pg } : undefined,
      // One data directory for tokens and history (server/history/data-dir.ts).
      dataDir: str(flags.data) ?? (env.NETATLAS_DATA || defaultDataDir(env)),
    },
  };
}
