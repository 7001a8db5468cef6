import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';

export type Input = { ok: true; bytes: Buffer } | { ok: false; message: string };

const mib = (n: number) => `${Math.round(n / (1024 * 1024))} MiB`;

/**
 * Reads a file (or stdin for `-`) of at most `maxBytes`. A regular file's size is checked before reading; for
 * stdin, pipes and devices (/dev/zero never ends) reading stops as soon as the limit is passed.
 */
export async function readInput(path: string, maxBytes: number): Promise<Input> {
  const name = path === '-' ? 'stdin' : path;
  const tooBig = { ok: false as const, message: `${name} is larger than the ${mib(maxBytes)} netatlas accepts (docs/limits.md)` };
  if (path !== '-') {
    const st = await stat(path).catch((e: Error) => e);
    if (st instanceof Error) return { ok: false, message: `cannot read ${name}: ${st.message}` };
    if (st.isDirectory()) return { ok: false, message: `cannot read ${name}: it is a directory` };
    if (st.isFile() && st.size > maxBytes) return tooBig;
    // One buffer of the known size, not chunks plus their concatenation (a 50 MB dump would be held twice).
    if (st.isFile()) return readFile(path).then((bytes) => ({ ok: true as const, bytes }), (e: Error) => ({ ok: false as const, message: `cannot read ${name}: ${e.message}` }));
  }
  const stream = path === '-' ? process.stdin : createReadStream(path);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        stream.destroy();
        return tooBig;
      }
      chunks.push(chunk as Buffer);
    }
  } catch (e) {
    return { ok: false, message: `cannot read ${name}: ${(e as Error).message}` };
  }
  return { ok: true, bytes: Buffer.concat(chunks, size) };
}
