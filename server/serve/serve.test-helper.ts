import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Served {
  proc: ChildProcess;
  /** Everything the server wrote to stderr so far. */
  log: () => string;
  stop: () => Promise<number | null>;
}

/**
 * Starts the real `netatlas serve` (needs `next build`) and waits until it says it is serving. `command` is `open`
 * for `netatlas open FILE` (args then start with the file).
 */
export async function serve(args: string[], env: Record<string, string> = {}, command: 'serve' | 'open' = 'serve'): Promise<Served> {
  const proc = spawn(process.execPath, ['bin/netatlas.mjs', command, ...args], {
    cwd: ROOT, env: { ...process.env, NETATLAS_TOKEN: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  proc.stdout!.on('data', (d) => (text += d));
  proc.stderr!.on('data', (d) => (text += d));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => (proc.kill('SIGKILL'), reject(new Error(`netatlas serve did not start in 180 s:\n${text}`))), 180_000);
    const check = () => {
      if (text.includes('serving on')) (clearTimeout(timer), resolve());
    };
    proc.stderr!.on('data', check);
    void exited.then((code) => (clearTimeout(timer), reject(new Error(`netatlas serve exited (${code}):\n${text}`))));
  });
  return {
    proc,
    log: () => text,
    stop: async () => {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      return exited;
    },
  };
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request with exactly the headers given (fetch would not let a test set Host). */
export function get(url: string, headers: Record<string, string> = {}, opts: { method?: string; body?: string; tls?: boolean } = {}): Promise<Answer> {
  const request = opts.tls ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers, rejectUnauthorized: false, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/**
 * Opens an SSE stream and resolves with the first event that carries data or an error (`event: ...` name and
 * its data), keeping the connection open until `close` is called.
 */
export function firstEvent(url: string, headers: Record<string, string> = {}): Promise<{ status: number; event: string; data: string; close: () => void; response: IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { accept: 'text/event-stream', ...headers }, agent: false }, (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        buf += d;
        for (let end = buf.indexOf('\n\n'); end >= 0; end = buf.indexOf('\n\n')) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (data !== undefined && event !== 'connected' && event !== 'ping') {
            return resolve({ status: res.statusCode!, event, data, close: () => req.destroy(), response: res });
          }
        }
      });
      res.on('end', () => resolve({ status: res.statusCode!, event: 'end', data: buf, close: () => req.destroy(), response: res }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The first script the dashboard page loads from /_next/static (a real static asset to test). */
export async function staticAsset(base: string, headers: Record<string, string> = {}): Promise<string> {
  const page = await get(`${base}/summary`, headers);
  const src = /src="(\/_next\/static\/[^"]+\.js)"/.exec(page.body)?.[1];
  if (!src) throw new Error(`no /_next/static script in /summary (status ${page.status})`);
  return src;
}
