import { readdir, readFile, readlink, stat } from 'node:fs/promises';

/** Inode of a network namespace file (a bind mount of nsfs, or /proc/PID/ns/net); null if it is gone. */
export async function netnsInode(path: string): Promise<number | null> {
  try {
    return (await stat(path)).ino;
  } catch {
    return null;
  }
}

/**
 * Inode of a namespace file only if it is one (on nsfs, device `nsfsDev`): a namespace file whose bind mount did not
 * reach this mount namespace (an agent's container without mount propagation) is an empty file, not a namespace.
 */
export async function nsfsInode(path: string, nsfsDev: number): Promise<number | null> {
  try {
    const st = await stat(path);
    return st.dev === nsfsDev ? st.ino : null;
  } catch {
    return null;
  }
}

export interface ProcEntry {
  pid: number;
  netnsInode: number | null;
  comm: string;
}

/** One pass over /proc: each process's network namespace and command name. Processes may vanish meanwhile. */
export async function scanProc(root = '/proc'): Promise<ProcEntry[]> {
  // These paths are the live host's, never project files: keep the bundler from tracing them.
  const pids = (await readdir(/*turbopackIgnore: true*/ root)).filter((d) => /^\d+$/.test(d));
  const out = await Promise.all(
    pids.map(async (p): Promise<ProcEntry | null> => {
      try {
        const [link, comm] = await Promise.all([readlink(`${root}/${p}/ns/net`), readFile(`${root}/${p}/comm`, 'utf8')]);
        const m = /^net:\[(\d+)\]$/.exec(link);
        return { pid: Number(p), netnsInode: m ? Number(m[1]) : null, comm: comm.trim() };
      } catch {
        return null; // exited, or a kernel thread without a readable namespace
      }
    }),
  );
  return out.filter((e): e is ProcEntry => e !== null);
}

export async function readCmdline(pid: number, root = '/proc'): Promise<string[] | null> {
  try {
    const raw = await readFile(`${root}/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter((a) => a.length > 0);
  } catch {
    return null;
  }
}

/** A sysctl as a number, or null when the key does not exist (e.g. bridge-nf-* without br_netfilter). */
export function readSysctl(key: string, root = '/proc/sys'): Promise<number | null> {
  return readNumberFile(`${root}/${key.replaceAll('.', '/')}`);
}

export async function readNumberFile(path: string): Promise<number | null> {
  try {
    const n = Number((await readFile(path, 'utf8')).trim());
    return Number.isFinite(n) ? n : null;
  } catch {
    return null;
  }
}

/** Named namespaces made by `ip netns add` (bind mounts under /var/run/netns); `path` is under `dir`. */
export async function listNamedNetns(dir = '/var/run/netns'): Promise<{ name: string; path: string }[]> {
  try {
    return (await readdir(/*turbopackIgnore: true*/ dir)).sort().map((name) => ({ name, path: `${dir}/${name}` }));
  } catch {
    return [];
  }
}

/**
 * Socket inode → the processes holding it (pid and comm, never cmdline), from one pass over /proc/PID/fd. The
 * shell path's version of the native reader's `P` request.
 */
export async function socketOwners(root = '/proc'): Promise<Map<number, { pid: number; comm: string }[]>> {
  const out = new Map<number, { pid: number; comm: string }[]>();
  const pids = (await readdir(/*turbopackIgnore: true*/ root)).filter((d) => /^\d+$/.test(d));
  await Promise.all(
    pids.map(async (p) => {
      try {
        const fds = await readdir(`${root}/${p}/fd`);
        const links = await Promise.all(fds.map((fd) => readlink(`${root}/${p}/fd/${fd}`).catch(() => '')));
        const inodes = links.flatMap((l) => (l.startsWith('socket:[') ? [Number(l.slice(8, -1))] : []));
        if (!inodes.length) return;
        const comm = (await readFile(`${root}/${p}/comm`, 'utf8')).replace(/\n$/, '');
        for (const i of new Set(inodes)) out.set(i, [...(out.get(i) ?? []), { pid: Number(p), comm }]);
      } catch {
        // exited meanwhile, or not ours to read
      }
    }),
  );
  return out;
}

/**
 * Namespace files Docker keeps under /var/run/docker/netns (sandboxes, and for swarm the overlay networks' own
 * namespaces, `ingress_sbox`, `lb_…`), only those still bind-mounted: a file whose namespace is gone stays behind as an
 * empty file on another device than nsfs. `path` is under `dir`.
 */
export async function listDockerNetns(dir = '/var/run/docker/netns'): Promise<{ name: string; path: string; inode: number }[]> {
  let nsfsDev: number;
  let names: string[];
  try {
    nsfsDev = (await stat('/proc/self/ns/net')).dev;
    names = (await readdir(/*turbopackIgnore: true*/ dir)).sort();
  } catch {
    return [];
  }
  const out: { name: string; path: string; inode: number }[] = [];
  for (const name of names) {
    const path = `${dir}/${name}`;
    const st = await stat(path).catch(() => null);
    if (st && st.dev === nsfsDev) out.push({ name, path, inode: st.ino });
  }
  return out;
}
