import { randomBytes } from 'node:crypto';
import { spawnLongLived, type LongLivedChild } from './child';

/**
 * A few long-lived `sh` workers that run command lines for us. Forking the large Node process costs ~4 ms a
 * process on these machines and does not parallelise; forking a small shell is cheap. With hundreds of namespaces
 * to read per snapshot, this is the difference between seconds and a fraction of one.
 *
 * Protocol: we write one command line per request; the worker evals it (stdin from /dev/null, so a command can
 * never eat the request stream), then prints `MARK rc N`, the command's stderr, and `MARK done`.
 */
export interface ShellResult {
  stdout: string;
  stderr: string;
  code: number;
}

// The command's stderr goes to a file the worker made and unlinked at once, reached through /proc/PID/fd/3
// (opening that truncates or rewinds it): nothing is left in the temp directory, even after a SIGKILL.
const WORKER = `M="$1"; T=$(mktemp "\${TMPDIR:-/tmp}/netatlas-stderr.XXXXXX") || exit 1
exec 3>"$T"; rm -f "$T"; E=/proc/$$/fd/3
while IFS= read -r cmd; do
  eval "$cmd" </dev/null 2>"$E"; rc=$?
  printf '\\n%s rc %s\\n' "$M" "$rc"
  while IFS= read -r l || [ -n "$l" ]; do printf '%s\\n' "$l"; done <"$E"
  printf '%s done\\n' "$M"
done`;

interface Job {
  cmd: string;
  timeoutMs: number;
  resolve: (r: ShellResult) => void;
  reject: (e: Error) => void;
}

class Worker {
  private readonly proc: LongLivedChild;
  private readonly marker = `@@netatlas-${randomBytes(6).toString('hex')}`;
  private buf = '';
  private job: Job | null = null;
  private timer: NodeJS.Timeout | null = null;
  dead = false;

  constructor(private readonly onIdle: (w: Worker) => void) {
    this.proc = spawnLongLived('sh', ['-c', WORKER, 'netatlas-worker', this.marker], {
      stdio: ['pipe', 'pipe', 'ignore'],
      env: { ...process.env, LC_ALL: 'C' },
    });
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (s: string) => this.onData(s));
    this.child.stdin!.on('error', () => {}); // reported through 'exit'
    this.child.on('error', () => this.fail(new Error('cannot start sh')));
    this.child.on('exit', () => this.fail(new Error('worker shell exited')));
  }

  private get child() {
    return this.proc.child;
  }

  get busy() {
    return this.job !== null;
  }

  run(job: Job) {
    this.job = job;
    this.timer = setTimeout(() => {
      this.fail(new Error(`command took longer than ${job.timeoutMs} ms: ${job.cmd.slice(0, 120)}`));
      this.child.kill('SIGKILL');
    }, job.timeoutMs);
    this.child.stdin!.write(job.cmd.replaceAll('\n', ' ') + '\n');
  }

  private onData(s: string) {
    this.buf += s;
    const end = `${this.marker} done\n`;
    const at = this.buf.indexOf(end);
    if (at < 0 || !this.job) return;
    const frame = this.buf.slice(0, at);
    this.buf = this.buf.slice(at + end.length);
    const rcAt = frame.lastIndexOf(`\n${this.marker} rc `);
    const rcLineEnd = frame.indexOf('\n', rcAt + 1);
    const code = Number(frame.slice(rcAt + this.marker.length + 5, rcLineEnd));
    const job = this.finish();
    job?.resolve({ stdout: frame.slice(0, rcAt), stderr: frame.slice(rcLineEnd + 1), code });
    this.onIdle(this);
  }

  private finish(): Job | null {
    if (this.timer) clearTimeout(this.timer);
    const job = this.job;
    this.job = null;
    return job;
  }

  private fail(e: Error) {
    this.dead = true;
    this.finish()?.reject(e);
    this.onIdle(this);
  }

  /** Resolves once the shell has exited. */
  close(): Promise<void> {
    this.dead = true;
    return this.proc.end();
  }
}

export class ShellPool {
  private workers: Worker[] = [];
  private readonly queue: Job[] = [];
  private closed = false;

  constructor(private readonly size = 3) {}

  run(cmd: string, timeoutMs = 15_000): Promise<ShellResult> {
    if (this.closed) return Promise.reject(new Error('shell pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ cmd, timeoutMs, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch() {
    this.workers = this.workers.filter((w) => !w.dead || w.busy);
    while (this.queue.length) {
      let w = this.workers.find((x) => !x.busy && !x.dead);
      if (!w && this.workers.length < this.size) {
        w = new Worker(() => this.dispatch());
        this.workers.push(w);
      }
      if (!w) return;
      w.run(this.queue.shift()!);
    }
  }

  /** Resolves once every worker shell has exited. */
  async close(): Promise<void> {
    this.closed = true;
    const workers = this.workers.splice(0);
    for (const j of this.queue.splice(0)) j.reject(new Error('shell pool closed'));
    await Promise.all(workers.map((w) => w.close()));
  }
}

/** Quote a word for sh: wrap in single quotes, closing and escaping any inside. */
export const shQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
