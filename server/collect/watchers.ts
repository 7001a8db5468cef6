import { createInterface } from 'node:readline';
import type Docker from 'dockerode';
import { spawnLongLived, type LongLivedChild } from './child';

const backoff = (attempt: number) => Math.min(30_000, 500 * 2 ** attempt);

/**
 * `ip -o monitor all-nsid link address route`: one process reports changes in the host namespace ("[nsid current]")
 * and in every namespace that has an nsid in it — which every container joined by a veth has. Restarts itself.
 */
export class NetlinkMonitor {
  private proc: LongLivedChild | null = null;
  private closed = false;
  private attempt = 0;
  alive = false;

  constructor(private readonly onChange: (nsid: 'current' | number | null) => void) {
    this.start();
  }

  private start() {
    this.proc = spawnLongLived('ip', ['-o', 'monitor', 'all-nsid', 'link', 'address', 'route'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const { child } = this.proc;
    child.on('spawn', () => {
      this.alive = true;
      this.attempt = 0;
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /^\[nsid (current|\d+)\]/.exec(line);
      this.onChange(m ? (m[1] === 'current' ? 'current' : Number(m[1])) : null);
    });
    const restart = () => {
      this.alive = false;
      if (this.closed) return;
      this.onChange(null); // changes may have been missed while it was down
      setTimeout(() => !this.closed && this.start(), backoff(this.attempt++)).unref();
    };
    child.on('error', restart);
    child.on('exit', restart);
  }

  /** Resolves once `ip monitor` has exited. */
  async close(): Promise<void> {
    this.closed = true;
    this.alive = false;
    await this.proc?.end();
  }
}

export type DockerState = 'connected' | 'reconnecting';

/**
 * Docker's event stream. Calls onChange(containerId) for container and network events, and onChange(null) after a
 * reconnect, because events during the gap are lost. Reconnects with exponential backoff.
 */
export class DockerEventWatcher {
  private stream: NodeJS.ReadableStream | null = null;
  private closed = false;
  private attempt = 0;
  private everConnected = false;
  alive = false;

  constructor(
    private readonly docker: Docker,
    private readonly onChange: (containerId: string | null) => void,
    private readonly onState: (s: DockerState) => void,
  ) {
    void this.connect();
  }

  private async connect() {
    try {
      const stream = (await this.docker.getEvents()) as NodeJS.ReadableStream;
      if (this.closed) return void (stream as unknown as { destroy?: () => void }).destroy?.();
      this.stream = stream;
      this.alive = true;
      this.attempt = 0;
      if (this.everConnected) this.onChange(null);
      this.everConnected = true;
      this.onState('connected');
      let buf = '';
      stream.on('data', (chunk: Buffer) => {
        buf += chunk.toString('utf8');
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line) this.handle(line);
        }
      });
      // end, error and close may all fire for one loss: only the first, for the current stream, counts.
      const lost = () => {
        if (this.stream !== stream) return;
        this.stream = null;
        this.reconnectLater();
      };
      stream.on('end', lost);
      stream.on('error', lost);
      stream.on('close', lost);
    } catch {
      this.reconnectLater();
    }
  }

  private handle(line: string) {
    try {
      const ev = JSON.parse(line) as { Type?: string; Actor?: { ID?: string; Attributes?: Record<string, string> } };
      if (ev.Type === 'container') this.onChange(ev.Actor?.ID ?? null);
      else if (ev.Type === 'network') this.onChange(ev.Actor?.Attributes?.container ?? null);
    } catch {
      this.onChange(null);
    }
  }

  private reconnectLater() {
    this.alive = false;
    if (this.closed) return;
    this.onState('reconnecting');
    setTimeout(() => !this.closed && void this.connect(), backoff(this.attempt++)).unref();
  }

  close() {
    this.closed = true;
    this.alive = false;
    (this.stream as unknown as { destroy?: () => void } | null)?.destroy?.();
  }
}
