import { fileURLToPath } from 'node:url';
import { resolveServeOptions, type Flags } from './options';
import { startServer } from './server';

/** `netatlas serve`: runs until SIGTERM/SIGINT, then closes streams, the hub and the listener, and exits. */
export async function serveCommand(flags: Flags, usage: string): Promise<number> {
  const dir = fileURLToPath(new URL('../..', import.meta.url));
  const resolved = resolveServeOptions(flags, process.env, dir);
  if (!resolved.ok) {
    process.stderr.write(`netatlas serve: ${resolved.error}\n\n${usage}`);
    return 2;
  }
  const opts = resolved.options;
  // As `next start` does: a production server whatever the shell says (error bodies then carry no stacks).
  // The hub's history recorder reads NETATLAS_DATA: one data directory for tokens and history.
  Object.assign(process.env, { NODE_ENV: 'production', NETATLAS_DATA: opts.dataDir });
  if (process.getuid?.() !== 0) process.stderr.write('netatlas: not running as root: container namespaces and iptables will not be readable\n');
  // Startup failures (address in use, unreadable certificate, a weak token) end the command with their reason.
  const server = await startServer(opts).catch((e: Error) => e);
  if (server instanceof Error) {
    process.stderr.write(`netatlas serve: ${server.message}\n`);
    return 1;
  }
  process.stderr.write(`netatlas: serving on ${server.url}\n`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  process.stderr.write(`netatlas: ${signal}: closing\n`);
  // A stuck close or a leftover handle (e.g. a keep-alive socket to a Docker proxy, a collector child) must not
  // keep a stopped server alive: name what is left and exit anyway. A second signal exits at once.
  setTimeout(() => {
    process.stderr.write(`netatlas: exiting with open handles: ${process.getActiveResourcesInfo().join(', ')}\n`);
    process.exit(0);
  }, 5_000).unref();
  process.once('SIGTERM', () => process.exit(1));
  process.once('SIGINT', () => process.exit(1));
  await server.close();
  // Everything netatlas owns is closed now: listener, streams, hub, collector children, history. What can remain
  // are timers of the connections that were cut; they must not hold a stopped server for seconds.
  process.exit(0);
}
