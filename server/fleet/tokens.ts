import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';

/**
 * What the hub needs from a token store: who a bearer token is, and what it may do. `netatlas serve`'s token store
 * (named, revocable, hashes only) implements it once merged; until then `FileTokens` reads a JSON file of
 * `{name, scope, sha256}` entries (hashes only, never tokens), re-read when it changes so a revocation takes effect.
 */
export interface TokenVerifier {
  verify(token: string): Promise<{ name: string; scope: string } | null>;
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
export const newToken = () => `na_${randomBytes(24).toString('base64url')}`;

export interface TokenEntry {
  name: string;
  scope: string;
  sha256: string;
}

export class FileTokens implements TokenVerifier {
  private cache: { mtimeMs: number; entries: TokenEntry[] } | null = null;

  constructor(private readonly path: string) {}

  private async entries(): Promise<TokenEntry[]> {
    const st = await stat(this.path);
    if (this.cache?.mtimeMs === st.mtimeMs) return this.cache.entries;
    const parsed = JSON.parse(await readFile(this.path, 'utf8')) as unknown;
    if (!Array.isArray(parsed)) throw new Error(`${this.path}: expected a JSON array of {name, scope, sha256}`);
    const entries = parsed.filter(
      (e): e is TokenEntry => typeof e?.name === 'string' && typeof e?.scope === 'string' && /^[0-9a-f]{64}$/.test(e?.sha256 ?? ''),
    );
    this.cache = { mtimeMs: st.mtimeMs, entries };
    return entries;
  }

  async verify(token: string): Promise<{ name: string; scope: string } | null> {
    const h = Buffer.from(hashToken(token), 'hex');
    for (const e of await this.entries()) {
      if (timingSafeEqual(h, Buffer.from(e.sha256, 'hex'))) return { name: e.name, scope: e.scope };
    }
    return null;
  }
}
