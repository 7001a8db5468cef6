import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import type { IpAddrEntry, IpLink, IpRoute } from '../../lib/netlink/ip-json';
import type { RawListener } from '../../lib/netlink/listeners';
import { spawnLongLived, type LongLivedChild } from './child';

/** Where scripts/build-native.sh puts the reader built from server/collect/native/netns-reader.c. */
export const NATIVE_READER_PATH = join(process.cwd(), 'server/collect/native/build/netns-reader');

/** What a request asks for: see the letters in netns-reader.c. */
export type NativePart = 'n' | 'f' | '4' | '6' | 'g' | 'l' | 'P' | 'p' | 'v';

export interface NativeSection {
  code: number;
  stdout: string;
  stderr: string;
}

/** One answer of the reader; only the parts asked for are present. */
export interface NativeAnswer {
  ok: boolean;
  error?: string;
  links?: IpLink[];
  addrs?: IpAddrEntry[];
  route4?: IpRoute[];
  route6?: IpRoute[];
  genid?: number;
  nft?: NativeSection;
  /** `nft list ruleset` as text, present where an ip/ip6 table exists (iptables-nft's). */
  nftText?: NativeSection;
  legacy4?: boolean;
  legacy6?: boolean;
  ipt4?: NativeSection;
  ipt6?: NativeSection;
  listeners?: RawListener[];
  listenersError?: boolean;
  /** [socket inode, pid, comm] */
  owners?: [number, number, string][];
  /** [pid, netns inode, comm] */
  procs?: [number, number, string][];
  /** /proc/net/ip_vs as the namespace sees it, or the errno of opening it (2: the kernel has no IPVS). */
  ipvs?: { text: string; truncated: boolean } | { errno: number };
  /** net.ipv4.ip_forward of the namespace (with `v`); -1 when unreadable. */
  ipv4Forward?: number;
  /** Processes the reader started for this request (iptables-save, ip6tables-save). */
  started?: number;
}

interface Pending {
  resolve: (a: NativeAnswer) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/** A request (queued behind others) unanswered this long means the reader is stuck: it is killed, its requests fail. */
const REQUEST_TIMEOUT_MS = 30_000;

/** One reader process: requests are answered in order, one JSON line each. */
class ReaderProcess {
  private readonly proc: LongLivedChild;
  private readonly queue: Pending[] = [];
  private buf = '';
  dead = false;

  constructor(path: string, procRoot: string, onExit: () => void) {
    // Our pid: the reader dies with us (PR_SET_PDEATHSIG), and exits at once if we died before it could ask.
    this.proc = spawnLongLived(path, [String(process.pid), procRoot], { stdio: ['pipe', 'pipe', 'ignore'], env: { ...process.env, LC_ALL: 'C' } }, true);
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (s: string) => this.onData(s));
    this.child.stdin!.on('error', () => {}); // reported through 'exit'
    const fail = (why: string) => {
      if (this.dead) return;
      this.dead = true;
      for (const p of this.queue.splice(0)) clearTimeout(p.timer), p.reject(new Error(why));
      onExit();
    };
    this.child.on('error', (e) => fail(`cannot start the native reader: ${e.message}`));
    this.child.on('exit', (code, sig) => fail(`the native reader exited (${sig ?? `status ${code}`})`));
  }

  private get child() {
    return this.proc.child;
  }

  get load() {
    return this.queue.length;
  }

  request(parts: string, path: string): Promise<NativeAnswer> {
    return new Promise((resolve, reject) => {
      if (this.dead) return reject(new Error('the native reader is not running'));
      const timer = setTimeout(() => this.child.kill('SIGKILL'), REQUEST_TIMEOUT_MS);
      this.queue.push({ resolve, reject, timer });
      this.child.stdin!.write(`${parts} ${path}\n`);
    });
  }

  private onData(s: string) {
    this.buf += s;
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + 1);
      const p = this.queue.shift();
      if (!p) continue;
      clearTimeout(p.timer);
      try {
        p.resolve(JSON.parse(line) as NativeAnswer);
      } catch (e) {
        p.reject(new Error(`the native reader answered invalid JSON: ${(e as Error).message}`));
      }
    }
  }

  /** Resolves once the reader has exited (closing its stdin ends it; SIGTERM if it is busy). */
  close(): Promise<void> {
    this.dead = true;
    return this.proc.end();
  }
}

/**
 * A few long-lived native readers (server/collect/native/netns-reader.c) that setns() into each namespace and read
 * it over netlink: no process per namespace. Node cannot setns() itself. Two processes keep both cores busy
 * while one waits for an iptables-save it started.
 */
export class NativeReader {
  private readonly procs: ReaderProcess[] = [];
  /** Processes the readers started (iptables-save/ip6tables-save), for benchmarks and tests. */
  toolProcesses = 0;

  constructor(
    private readonly path: string,
    private readonly size = 2,
    /** The host's procfs, scanned by `P` requests. */
    private readonly procRoot = '/proc',
  ) {}

  /** A reader when the binary is built and executable, else the reason it cannot be used. */
  static open(path = NATIVE_READER_PATH, procRoot = '/proc', size?: number): NativeReader | string {
    try {
      accessSync(path, constants.X_OK);
    } catch {
      return `the native namespace reader is not built (${path}; scripts/build-native.sh builds it)`;
    }
    return new NativeReader(path, size, procRoot);
  }

  /** Processes started so far for the readers themselves (they live until close). */
  started = 0;

  private closed = false;

  async read(path: string | null, parts: NativePart[]): Promise<NativeAnswer> {
    if (this.closed) throw new Error('the native reader is closed');
    const alive = this.procs.filter((p) => !p.dead);
    this.procs.splice(0, this.procs.length, ...alive);
    let proc = alive.length >= this.size ? alive.reduce((a, b) => (b.load < a.load ? b : a)) : null;
    if (!proc) {
      proc = new ReaderProcess(this.path, this.procRoot, () => {});
      this.started++;
      this.procs.push(proc);
    }
    const a = await proc.request(parts.join(''), path ?? '-');
    this.toolProcesses += a.started ?? 0;
    return a;
  }

  /** Resolves once every reader process has exited; reads after this fail. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.procs.splice(0).map((p) => p.close()));
  }
}
