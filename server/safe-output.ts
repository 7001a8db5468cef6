import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { terminalSafe, terminalSafeJson } from '../lib/text/terminal-safe';

/**
 * The one place netatlas's text leaves the process (the CLI's output and errors, server logs): everything written
 * here has its terminal controls made visible (lib/text/terminal-safe.ts), since names, comments and file contents
 * are untrusted. Code that writes text uses these writers, never process.stdout/stderr directly.
 */
export class SafeWriter {
  /** The reader went away (`netatlas rules … | head`): the rest is dropped quietly, as the pager asked. */
  private gone = false;

  constructor(private readonly stream: Writable) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      this.gone = true;
    });
  }

  /** Plain text, escaped. */
  text(s: string): void {
    this.stream.write(terminalSafe(s));
  }

  /** A JSON document's text, escaped in JSON's own syntax so it still parses to the same value. */
  json(s: string): void {
    this.stream.write(terminalSafeJson(s));
  }

  /**
   * Writes pieces as they are produced, in ~64 KB batches, waiting whenever the reader is behind: a report larger
   * than memory would like is never held whole, neither as a string nor in the stream's buffer.
   */
  async pieces(pieces: Iterable<string>, kind: 'text' | 'json'): Promise<void> {
    const escape = kind === 'text' ? terminalSafe : terminalSafeJson;
    let batch: string[] = [];
    let size = 0;
    const flush = async () => {
      const ok = this.stream.write(escape(batch.join('')));
      batch = [];
      size = 0;
      // `once` rejects when the stream errors; the error listener above has then said whether the reader is gone.
      if (!ok) await once(this.stream, 'drain').catch(() => undefined);
    };
    for (const p of pieces) {
      if (this.gone) return;
      batch.push(p);
      size += p.length;
      if (size >= 1 << 16) await flush();
    }
    if (size) await flush();
  }
}

export const out = new SafeWriter(process.stdout);
export const err = new SafeWriter(process.stderr);
