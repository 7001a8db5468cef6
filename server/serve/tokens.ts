import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { isHostName } from '../../lib/fleet/protocol';
import type { Scope } from './scope';

/**
 * The token store: named, revocable tokens kept as SHA-256 hashes only (tokens are 256 random bits, so a plain
 * hash cannot be searched), in `<data>/auth/tokens.json`, mode 0600 in a 0700 directory.
 */
const scopeSchema = z.union([
  z.object({ kind: z.literal('full') }),
  z.object({ kind: z.literal('share'), snapshotId: z.string() }),
  z.object({ kind: z.literal('agent'), host: z.string().refine(isHostName, 'not a host name') }),
]);
const fileSchema = z.object({
  version: z.literal(1),
  tokens: z.array(z.object({ name: z.string(), hash: z.string().regex(/^[0-9a-f]{64}$/), scope: scopeSchema, created: z.string() })),
});
export type StoredToken = z.infer<typeof fileSchema>['tokens'][number];

export const generateToken = () => randomBytes(32).toString('base64url');
const hashOf = (token: string) => createHash('sha256').update(token, 'utf8').digest();

export class TokenStore {
  private tokens: StoredToken[];
  /** Tokens given at start (NETATLAS_TOKEN, --token-file): checked like the others, never written down. */
  private readonly explicit: StoredToken[] = [];

  /** The file's mtime when last read or written: another process (`netatlas token`) may add or revoke. */
  private readAt: number | null = null;

  private constructor(private readonly file: string | null, tokens: StoredToken[]) {
    this.tokens = tokens;
    this.readAt = this.mtime();
  }

  private mtime(): number | null {
    if (!this.file) return null;
    try {
      return statSync(this.file).mtimeMs;
    } catch {
      return null;
    }
  }

  /**
   * Picks up tokens another process added or revoked: one stat per check. A file that no longer parses (edited by
   * hand) keeps the tokens last read; writes by netatlas are atomic renames, so it never sees half a file.
   */
  private reloadIfChanged() {
    const m = this.mtime();
    if (m === null || m === this.readAt) return;
    this.readAt = m;
    let parsed;
    try {
      parsed = fileSchema.safeParse(JSON.parse(readFileSync(this.file!, 'utf8')));
    } catch {
      return;
    }
    if (parsed.success) this.tokens = parsed.data.tokens;
  }

  /** Opens (creating the 0700 directory) the store under `dataDir`. A corrupt file is an error, never overwritten. */
  static async open(dataDir: string): Promise<TokenStore> {
    const dir = join(dataDir, 'auth');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
    const file = join(dir, 'tokens.json');
    const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? null : Promise.reject(e)));
    if (text === null) return new TokenStore(file, []);
    const parsed = fileSchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`${file} is not a netatlas token store: ${parsed.error.issues[0]?.message}`);
    return new TokenStore(file, parsed.data.tokens);
  }

  /** A store that lives only in memory (tests, loopback). */
  static inMemory(): TokenStore {
    return new TokenStore(null, []);
  }

  names(): string[] {
    return this.tokens.map((t) => t.name);
  }

  list(): { name: string; scope: Scope; created: string }[] {
    this.reloadIfChanged();
    return this.tokens.map(({ name, scope, created }) => ({ name, scope, created }));
  }

  get size(): number {
    return this.tokens.length + this.explicit.length;
  }

  /** Creates a token under a new name and returns it; only its hash is kept. */
  async add(name: string, scope: Scope = { kind: 'full' }): Promise<string> {
    if (this.tokens.some((t) => t.name === name)) throw new Error(`a token named '${name}' exists already`);
    const token = generateToken();
    this.tokens = [...this.tokens, { name, hash: hashOf(token).toString('hex'), scope, created: new Date().toISOString() }];
    await this.save();
    return token;
  }

  async revoke(name: string): Promise<boolean> {
    const before = this.tokens.length;
    this.tokens = this.tokens.filter((t) => t.name !== name);
    if (this.tokens.length === before) return false;
    await this.save();
    return true;
  }

  addExplicit(name: string, token: string, scope: Scope = { kind: 'full' }) {
    this.explicit.push({ name, hash: hashOf(token).toString('hex'), scope, created: new Date().toISOString() });
  }

  /** The token's entry, comparing in constant time against every entry (no early exit that would time names). */
  verify(token: string): StoredToken | undefined {
    this.reloadIfChanged();
    const h = hashOf(token);
    let found: StoredToken | undefined;
    for (const t of [...this.tokens, ...this.explicit]) {
      if (timingSafeEqual(h, Buffer.from(t.hash, 'hex')) && !found) found = t;
    }
    return found;
  }

  private async save() {
    if (!this.file) return;
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify({ version: 1, tokens: this.tokens }, null, 2) + '\n', { mode: 0o600 });
    await rename(tmp, this.file);
    this.readAt = this.mtime();
  }
}
