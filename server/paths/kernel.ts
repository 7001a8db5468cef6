import { execFile } from 'node:child_process';
import { isIP } from 'node:net';
import { hostPort } from '../../lib/snapshot/names';

/**
 * Ground truth for packet paths: make a real HTTP connection and report what the kernel did with it. The server
 * side is the lab's busybox httpd, whose /cgi-bin/remote prints the peer address it saw (REMOTE_ADDR), which is
 * how NAT shows: a masqueraded or proxied connection arrives from another address than it left.
 *
 * The client is busybox wget inside the source's network namespace, bounded by `timeout 3` (wget's own -T crashes
 * this busybox): a connection that is dropped on the way simply times out, one that is rejected or reaches no
 * listener fails at once.
 */

export type Source = { container: string } | { host: true } | { netns: string };

export interface Observation {
  /** The HTTP request got an answer. */
  connected: boolean;
  /** The peer address the server saw, as a plain address (IPv4-mapped IPv6 unwrapped); null when not connected. */
  seenSource: string | null;
  /** Wall time of the attempt. */
  ms: number;
  /** Why it did not connect, in a few words: timed out (dropped somewhere), refused/unreachable (wget's message). */
  error: string | null;
  /** How it failed: 'fast' — an answer said no (RST, ICMP unreachable) well before the timeout; 'timeout' — nothing came back. */
  failure: 'fast' | 'timeout' | null;
}

/** Seconds a connection may take before it counts as dropped. */
export const CONNECT_TIMEOUT_S = 3;

export function sourceLabel(from: Source): string {
  if ('container' in from) return from.container;
  if ('host' in from) return 'host';
  return `netns:${from.netns}`;
}

/** The command that runs `argv` inside the source's network namespace. */
export function commandFor(from: Source, argv: string[]): [string, string[]] {
  if ('container' in from) return ['docker', ['exec', from.container, ...argv]];
  if ('host' in from) return [argv[0], argv.slice(1)];
  return ['ip', ['netns', 'exec', from.netns, ...argv]];
}

/** `[::ffff:198.18.0.1]`, `::ffff:198.18.0.1`, `198.18.0.1`, `[fd00::1]` → the plain address; null if it is none. */
export function parseRemoteAddr(text: string): string | null {
  let s = text.trim().split('\n')[0]?.trim() ?? '';
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  // busybox httpd may append the port (`[::ffff:1.2.3.4]:5555`) in some builds.
  else if (/^\[.*\]:\d+$/.test(s)) s = s.slice(1, s.lastIndexOf(']'));
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(s);
  if (mapped) s = mapped[1];
  return isIP(s) ? s : null;
}

const url = (ip: string, port: number) => `http://${hostPort(ip, port)}/cgi-bin/remote`;

type ExitError = Error & { code?: number | string | null; killed?: boolean };
type Failure = Pick<Observation, 'error' | 'failure'>;

/** Runs a probe; its stdout is the peer address the server echoed, a failed run says how it failed (`failed`). */
function probe(cmd: string, args: string[], failed: (err: ExitError, stderr: string) => Failure): Promise<Observation> {
  const started = performance.now();
  return new Promise((resolve) => {
    // The outer kill is a backstop only (docker exec itself can hang when dockerd is busy).
    execFile(cmd, args, { encoding: 'utf8', timeout: (CONNECT_TIMEOUT_S + 7) * 1000 }, (err, stdout, stderr) => {
      const ms = Math.round(performance.now() - started);
      if (err) return resolve({ connected: false, seenSource: null, ms, ...failed(err, stderr.trim().split('\n').pop() ?? '') });
      const seen = parseRemoteAddr(stdout);
      resolve({ connected: seen !== null, seenSource: seen, ms, error: seen === null ? `unexpected answer: ${JSON.stringify(stdout.slice(0, 80))}` : null, failure: null });
    });
  });
}

export function connect(from: Source, ip: string, port: number): Promise<Observation> {
  if (!isIP(ip)) return Promise.reject(new Error(`not an IP address: ${ip}`));
  const wget = 'container' in from ? ['wget'] : ['busybox', 'wget'];
  const [cmd, args] = commandFor(from, ['timeout', String(CONNECT_TIMEOUT_S), ...wget, '-qO-', url(ip, port)]);
  return probe(cmd, args, (err, msg) => {
    // timeout(1) exits 124 (coreutils) or the killed child's 128+15 (busybox); a killed docker exec, likewise.
    const timedOut = err.code === 124 || err.code === 143 || err.killed === true;
    return timedOut ? { error: `timed out after ${CONNECT_TIMEOUT_S} s`, failure: 'timeout' } : { error: msg || `exit ${String(err.code)}`, failure: 'fast' };
  });
}

/**
 * A UDP probe: one datagram from a connected socket (Python, as the lab image's busybox nc has no -u), waiting for
 * the lab's UDP echo (e2e/lab/lab.sh ensure_udp, which answers with the peer address it saw). An ICMP port
 * unreachable makes the connected socket's recv fail with ECONNREFUSED at once; a drop leaves it waiting.
 */
const UDP_PROBE = `import socket, sys
ip, port = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(${CONNECT_TIMEOUT_S})
s.connect((ip, port))
s.send(b"netatlas")
try:
    print(s.recv(512).decode().strip())
except ConnectionRefusedError:
    sys.exit(2)
except socket.timeout:
    sys.exit(3)`;

async function udpCommand(from: Source, ip: string, port: number): Promise<[string, string[]]> {
  const argv = ['/usr/bin/python3', '-c', UDP_PROBE, ip, String(port)];
  if (!('container' in from)) return commandFor(from, argv);
  // The host's Python in the container's network namespace.
  const pid = await new Promise<string>((resolve, reject) =>
    execFile('docker', ['inspect', '-f', '{{.State.Pid}}', from.container], { encoding: 'utf8' }, (e, out) => (e ? reject(e) : resolve(out.trim()))),
  );
  return ['nsenter', ['-t', pid, '-n', ...argv]];
}

export async function sendUdp(from: Source, ip: string, port: number): Promise<Observation> {
  if (!isIP(ip)) throw new Error(`not an IP address: ${ip}`);
  const [cmd, args] = await udpCommand(from, ip, port);
  return probe(cmd, args, (err, msg): Failure => {
    if (err.code === 2) return { error: 'ICMP port unreachable (ECONNREFUSED)', failure: 'fast' };
    if (err.code === 3 || err.killed === true) return { error: `no answer in ${CONNECT_TIMEOUT_S} s`, failure: 'timeout' };
    return { error: msg || `exit ${String(err.code)}`, failure: 'fast' };
  });
}

/** Runs `fn` over `items` with at most `limit` at a time, results in input order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

