import type { Snapshot } from '../../lib/snapshot/schema';
import { Collector } from '../collect/collector';

/**
 * One collector per server process, shared by every viewer. It watches Docker events and netlink, so a request
 * re-reads only what changed; concurrent requests share one collection in flight.
 */
class Hub {
  private readonly collector = new Collector();
  private inFlight: Promise<Snapshot> | null = null;

  constructor() {
    this.collector.watch();
  }

  current(): Promise<Snapshot> {
    this.inFlight ??= this.collector.snapshot().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }
}

const g = globalThis as typeof globalThis & { __netatlasHub?: Hub };

/** The process-wide hub (kept on globalThis so dev-mode reloads do not start a second one). */
export function hub(): Hub {
  g.__netatlasHub ??= new Hub();
  return g.__netatlasHub;
}
