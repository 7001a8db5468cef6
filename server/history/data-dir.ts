import { chmodSync, closeSync, constants, accessSync, mkdirSync, openSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** `--data DIR`, else `$XDG_STATE_HOME/netatlas`, else `~/.local/state/netatlas` (history is state, not config). */
export function defaultDataDir(env: Record<string, string | undefined> = process.env): string {
  const state = env.XDG_STATE_HOME && env.XDG_STATE_HOME.startsWith('/') ? env.XDG_STATE_HOME : join(homedir(), '.local', 'state');
  return join(state, 'netatlas');
}

export type Prepared = { ok: true; dbPath: string } | { ok: false; reason: string };

/**
 * Make the data directory (0700) and the database file (0600) before SQLite opens it: SQLite gives its -wal and
 * -shm files the database file's mode, so they are private too. Returns why not, never throws.
 */
export function prepareDataDir(dir: string): Prepared {
  const dbPath = join(dir, 'history.sqlite');
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = statSync(dir);
    if (!st.isDirectory()) return { ok: false, reason: `${dir} is not a directory` };
    // Only tighten a directory we own; someone else's directory keeps its mode (and likely fails the write check).
    if (st.uid === process.getuid?.() && (st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
    accessSync(dir, constants.W_OK | constants.X_OK);
    closeSync(openSync(dbPath, constants.O_CREAT | constants.O_RDWR, 0o600));
    if ((statSync(dbPath).mode & 0o077) !== 0) chmodSync(dbPath, 0o600);
    return { ok: true, dbPath };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return { ok: false, reason: `${err.code ?? 'error'} on ${err.path ?? dir}: ${err.message.replace(/^[A-Z]+: /, '')}` };
  }
}
