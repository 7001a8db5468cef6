import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A private PostgreSQL cluster for tests and benchmarks: Debian's server binaries (/usr/lib/postgresql/N/bin),
 * initdb in a temporary directory owned by the postgres user, listening on 127.0.0.1:PORT only (and a socket in
 * that directory). `stop()` stops it and removes the directory. Never touches a system cluster.
 */
export interface PgCluster {
  url: string;
  port: number;
  dir: string;
  stop(): void;
}

function binDir(): string {
  const versions = readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error('no PostgreSQL server in /usr/lib/postgresql: run scripts/ensure-deps.sh test');
  return `/usr/lib/postgresql/${versions[0]}/bin`;
}

const asPostgres = (cmd: string, args: string[]) =>
  execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

export function startPgCluster(port: number): PgCluster {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'netatlas-pg-'));
  chownSync(dir, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })));
  const data = join(dir, 'data');
  asPostgres(`${bin}/initdb`, ['-D', data, '-U', 'netatlas', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`;
  asPostgres(`${bin}/pg_ctl`, ['-D', data, '-l', join(dir, 'log'), '-o', opts, '-w', '-t', '120', 'start']);
  return {
    url: `postgres://netatlas@127.0.0.1:${port}/postgres`,
    port,
    dir,
    stop() {
      try {
        asPostgres(`${bin}/pg_ctl`, ['-D', data, '-m', 'fast', '-w', '-t', '120', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
