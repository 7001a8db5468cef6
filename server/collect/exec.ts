import { spawn, type ChildProcess } from 'node:child_process';

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

export class ExecError extends Error {
  constructor(message: string, readonly result: ExecResult | null) {
    super(message);
    this.name = 'ExecError';
  }
}

/**
 * Run a program without a shell and collect its output. Never throws for a non-zero exit (callers decide what a
 * failure means); throws ExecError only when the program cannot be started or exceeds its time.
 */
export function run(cmd: string, args: string[], opts: { timeoutMs?: number; input?: string } = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const stdin = opts.input === undefined ? 'ignore' : 'pipe';
    const child = spawn(cmd, args, { stdio: [stdin, 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    const ended = new Promise<void>((done) => child.on('close', () => done()).on('error', () => done()));
    running.set(child, ended);
    void ended.then(() => running.delete(child));
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 10_000);
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new ExecError(`cannot run ${cmd}: ${e.message}`, null));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const result = { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), code };
      if (timedOut) reject(new ExecError(`${cmd} ${args.join(' ')} took longer than ${opts.timeoutMs ?? 10_000} ms`, result));
      else resolve(result);
    });
    if (child.stdin) {
      // A child that exits before reading its input must not crash us with EPIPE.
      child.stdin.on('error', () => {});
      child.stdin.end(opts.input);
    }
  });
}

/** Run at most `limit` async jobs at once; results keep the input order. */
/** Tools `run` has started that have not ended: a closing server ends them rather than wait (or leave them). */
const running = new Map<ChildProcess, Promise<void>>();

/**
 * Ends every tool still running (they only read, and a closing collector throws their answers away) and waits
 * until their pipes are closed, so a stopping server leaves no child and no open handle behind.
 */
export async function endRunningTools(): Promise<void> {
  const ends = [...running.entries()].map(([child, ended]) => (child.kill('SIGKILL'), ended));
  await Promise.all(ends);
}

export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
