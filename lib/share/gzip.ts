/**
 * gzip through the Compression Streams API, which Node 20 and every current browser provide, so the same code
 * reads and writes files in the CLI and in a page opened from file://.
 */

export const isGzip = (bytes: Uint8Array) => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

async function collect(stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array | null> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    // A gzip bomb is stopped as soon as it passes the limit, not after inflating all of it.
    if (total > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function streamOf(bytes: Uint8Array): ReadableStream<BufferSource> {
  return new ReadableStream<BufferSource>({
    start(controller) {
      controller.enqueue(bytes as Uint8Array<ArrayBuffer>);
      controller.close();
    },
  });
}

export type GunzipResult = { ok: true; bytes: Uint8Array } | { ok: false; reason: 'too-large' | 'corrupt'; detail: string };

/** Inflates `bytes`, giving up once the output passes `maxBytes`. */
export async function gunzip(bytes: Uint8Array, maxBytes: number): Promise<GunzipResult> {
  try {
    const out = await collect(streamOf(bytes).pipeThrough(new DecompressionStream('gzip')), maxBytes);
    return out ? { ok: true, bytes: out } : { ok: false, reason: 'too-large', detail: `inflates to more than ${maxBytes} bytes` };
  } catch (e) {
    // The stream's only way to report a truncated or damaged member is to error.
    return { ok: false, reason: 'corrupt', detail: (e as Error).message };
  }
}

export async function gzip(text: string): Promise<Uint8Array> {
  const out = await collect(streamOf(new TextEncoder().encode(text)).pipeThrough(new CompressionStream('gzip')), Number.MAX_SAFE_INTEGER);
  return out!;
}
