import { LIMITS } from '../../lib/limits';

/**
 * Live streams open at once, across all viewers (LIMITS.streamSubscribers). A slot is taken before the stream
 * starts and released exactly once: when the stream ends or when its request is aborted before it started.
 */
export class StreamSlots {
  private open = 0;

  constructor(readonly limit: number = LIMITS.streamSubscribers) {}

  get count(): number {
    return this.open;
  }

  /** A release function, or null when every slot is taken. */
  take(signal?: AbortSignal): (() => void) | null {
    if (this.open >= this.limit) return null;
    this.open++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.open--;
      signal?.removeEventListener('abort', release);
    };
    signal?.addEventListener('abort', release);
    return release;
  }
}

const g = globalThis as typeof globalThis & { __netatlasStreamSlots?: StreamSlots };

export function streamSlots(): StreamSlots {
  g.__netatlasStreamSlots ??= new StreamSlots();
  return g.__netatlasStreamSlots;
}
