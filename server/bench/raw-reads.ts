import Docker from 'dockerode';
import { mapLimit, run } from '../collect/exec';
import { ShellPool } from '../collect/shell-pool';
import { NETFILTER_SECTIONS, NETLINK_SECTIONS, readNamespace } from '../collect/netns-read';
import { listNamedNetns, netnsInode, scanProc } from '../collect/procfs';

/**
 * The reads a snapshot makes, done plainly — Docker API list + inspect, one nsenter+sh per namespace running the
 * same commands — with no parsing, joining or validation: what an ideal collector could not avoid. Benchmarks
 * compare collection against it (collect-bench in process, cli-bench as a compiled process of its own).
 */
export async function rawReads(): Promise<void> {
  const d = new Docker({ socketPath: '/var/run/docker.sock' });
  const [, , list] = await Promise.all([d.version(), d.listNetworks(), d.listContainers({ all: true })]);
  const inspected = await mapLimit(list, 8, (c) => d.getContainer(c.Id).inspect().catch(() => null));
  const paths = new Map<number, string | null>([[(await netnsInode('/proc/self/ns/net'))!, null]]);
  for (const c of inspected) {
    const key = c?.NetworkSettings?.SandboxKey;
    if (key && !key.endsWith('/default')) paths.set((await netnsInode(key)) ?? -1, key);
  }
  for (const n of await listNamedNetns()) paths.set((await netnsInode(n.path)) ?? -1, n.path);
  await scanProc();
  const pool = new ShellPool(4);
  await Promise.all([
    ...[...paths.values()].map((p) => readNamespace(pool, p, [...NETLINK_SECTIONS, ...NETFILTER_SECTIONS])),
    run('iptables', ['--version']),
  ]);
  pool.close();
}
