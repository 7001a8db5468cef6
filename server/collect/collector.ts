import { EventEmitter } from 'node:events';
import { readFile, readlink, stat } from 'node:fs/promises';
import { hostname, release } from 'node:os';
import Docker from 'dockerode';
import { mapContainer, mapNetwork, parseDockerProxyArgs } from '../../lib/docker/map';
import type { Container, DockerProxy, Namespace, Problem, Snapshot } from '../../lib/snapshot/schema';
import { SCHEMA_VERSION, Snapshot as SnapshotSchema, namespaceId } from '../../lib/snapshot/schema';
import { joinEndpoints, resolveVethPeers, type RawVethPeers } from '../../lib/snapshot/joins';
import { describeDockerError, dockerEndpoint, readDocker, type DockerRead, type InspectRead } from './docker';
import { containerDns } from '../../lib/dns/files';
import { detectBackend } from './iptables-backend';
import { endianness } from 'node:os';
import { listenersFromRaw, type RawListener, type SocketOwner } from '../../lib/netlink/listeners';
import { LISTENER_SECTIONS, NETFILTER_SECTIONS, NETLINK_SECTIONS, readNamespace, type NamespaceRead, type Section } from './netns-read';
import { NativeReader, type NativeAnswer, type NativePart, type NativeSection } from './native-reader';
import { parseNftText } from '../../lib/netfilter/nft-text-parse';
import { parseNftJson } from '../../lib/netfilter/nft-json-parse';
import { iptablesSaveFromNft } from '../../lib/netfilter/iptables-from-nft';
import { ShellPool } from './shell-pool';
import { endRunningTools } from './exec';
import { parseListenerRead, parseNetfilterRead, parseNetlinkData, parseNetlinkRead, type ParsedNetfilter, type ParsedNetlink } from './netns-parse';
import { listDockerNetns, listNamedNetns, netnsInode, nsfsInode, readCmdline, scanProc, socketOwners, type ProcEntry } from './procfs';
import { readSysctls } from './sysctls';
import { hostPaths, localPath, type HostPaths } from './host-paths';
import { dockerSandboxOf } from '../../lib/docker/swarm';
import { readIpvs } from './ipvs-read';
import { NetlinkMonitor, DockerEventWatcher } from './watchers';

export interface CollectorOptions {
  /** DOCKER_HOST-style endpoint; defaults to the DOCKER_HOST environment variable, then the local socket. */
  dockerHost?: string;
  /** Worker shells reading namespaces at once. Each read is a short process tree: a little above the core count. */
  concurrency?: number;
  /**
   * How namespaces are read: 'native' (default: the long-lived setns() reader, falling back to the shell path where
   * it cannot be used) or 'shell' (nsenter + ip/nft/iptables-save per namespace). NETATLAS_READER sets the default.
   */
  reader?: 'native' | 'shell';
  /** The native reader's binary (tests point it elsewhere to exercise the fallback); default NATIVE_READER_PATH. */
  nativeReaderPath?: string;
  /** Where the host's /proc and namespace directories are mounted (an agent in a container); see host-paths.ts. */
  hostPaths?: Partial<HostPaths>;
  /** Read listening sockets and their processes (default true); bench:collect turns it off to price them. */
  listeners?: boolean;
}

export interface SnapshotOptions {
  /**
   * While the host's ruleset is unchanged (same nf_tables generation id, no legacy iptables tables loaded), its
   * rules read this long ago (ms) are reused, counters and all: no iptables-save. Default 0: counters always fresh.
   * The hub passes a longer age while nobody watches (history thins counters anyway); rule changes still show at once.
   */
  countersMaxAgeMs?: number;
}

/** How long the socket → process map may be reused while no listener is new and no holder has gone. */
const OWNERS_MAX_AGE_MS = 30_000;

interface NsTarget {
  inode: number;
  kind: Namespace['kind'];
  /** null: the namespace this process runs in (read without nsenter). */
  path: string | null;
  name: string | null;
  containers: string[];
}

/** Parsed reads of one namespace, kept while watchers say nothing changed. Never mutated once stored. */
interface NsCacheEntry {
  netlink?: ParsedNetlink;
  netfilter?: ParsedNetfilter;
  /** nf_tables generation id when `netfilter` was read (native path): a different one means rules changed. */
  genid?: number;
  /** Shell path only: listeners read with the links (the native path reads them on every snapshot). */
  listeners?: RawListener[] | null;
  /** Native path: when `netfilter` was read (Date.now()), its raw iptables-save text (the host's: backend detection). */
  filterAt?: number;
  ipt4?: string | null;
}

/** The last walk of every process's fds: socket inode → holders, and the listeners it was done for. */
interface OwnerScan {
  at: number;
  owners: Map<number, SocketOwner[]>;
  listeners: Set<number>;
}

interface TargetRead {
  netlink: ParsedNetlink;
  netfilter: ParsedNetfilter;
  /** Set when the namespace could not be entered at all. */
  error: string | null;
  /** The host's raw iptables-save output, reused for backend detection. */
  ipt4: string | null;
  /** Listening sockets; null when they could not be read. */
  listeners: RawListener[] | null;
  /** Problems of the read itself (e.g. a fallback to the shell path). */
  problems: Problem[];
}

const KIND_RANK: Record<Namespace['kind'], number> = { host: 0, container: 1, named: 2, other: 3 };

/** Swarm's routing mesh or a service load balancer: a Docker namespace file no container owns, named so. */
const isLoadBalancer = (t: NsTarget) =>
  t.kind === 'other' && t.name !== null && t.path?.startsWith('/var/run/docker/netns/') === true && (dockerSandboxOf(t.name, [])?.role ?? 'overlay') !== 'overlay';

/**
 * Builds snapshots. Used once (`collectSnapshot`) it reads everything fresh. After `watch()`, it keeps per-namespace
 * reads and container inspections, and drops them only when Docker events or netlink notifications say they changed;
 * the host's netfilter rules are always re-read, since their counters move all the time and legacy iptables has no
 * change notification. Emits 'change' whenever a watcher saw something.
 */
export class Collector extends EventEmitter {
  readonly endpoint: string;
  private readonly docker: Docker;
  private readonly concurrency: number;
  private readonly inspectCache = new Map<string, InspectRead>();
  /** Containers whose inspection timed out, and when (see readDocker). */
  private readonly stalledInspections = new Map<string, number>();
  private readonly nsCache = new Map<number, NsCacheEntry>();
  /** The last Docker read, reused while the event stream is up and quiet. */
  private lastDocker: DockerRead | null = null;
  /** Namespace reads started so far (shell path: each one is a process tree): lets tests and benchmarks see the caches work. */
  namespaceReads = 0;
  /**
   * Wall time (ms) of the last snapshot's steps, for bench:collect. docker, proc and host run at the same time as
   * others (host is the host namespace's read inside `namespaces`), so they do not add up to the total.
   */
  phases: Record<'docker' | 'proc' | 'find' | 'namespaces' | 'host' | 'owners' | 'assemble', number> = { docker: 0, proc: 0, find: 0, namespaces: 0, host: 0, owners: 0, assemble: 0 };
  private readonly readerMode: 'native' | 'shell';
  /** The native reader, or why it cannot be used (then every namespace goes through the shell path). */
  private native: NativeReader | string | null = null;
  private readonly nativeReaderPath: string | undefined;
  readonly paths: HostPaths;
  private readonly withListeners: boolean;
  private dockerDirty = true;
  /** nsid (as seen from the host namespace) → namespace inode, learnt from host-side veth peers. */
  private nsidToInode = new Map<number, number>();
  private containerToInode = new Map<string, number>();
  /** Namespaces Docker made for no container (swarm's overlay, ingress_sbox, lb_): any Docker event may change them. */
  private sandboxInodes = new Set<number>();
  private netlinkMonitor: NetlinkMonitor | null = null;
  private dockerWatcher: DockerEventWatcher | null = null;
  private backendCache: { at: number; value: Snapshot['host']['iptables'] } | null = null;
  private ownerScan: OwnerScan | null = null;

  constructor(opts: CollectorOptions = {}) {
    super();
    const cfg = dockerEndpoint(opts.dockerHost ?? process.env.DOCKER_HOST);
    this.endpoint = cfg.endpoint;
    this.docker = new Docker(cfg.options);
    this.concurrency = opts.concurrency ?? 4;
    this.nativeReaderPath = opts.nativeReaderPath;
    this.paths = hostPaths(opts.hostPaths);
    this.withListeners = opts.listeners ?? true;
    this.readerMode = opts.reader ?? (process.env.NETATLAS_READER === 'shell' ? 'shell' : 'native');
  }

  /** Processes started by the native readers so far (iptables-save where a namespace has iptables tables). */
  get nativeToolProcesses(): number {
    return this.native instanceof NativeReader ? this.native.toolProcesses : 0;
  }

  private pool: ShellPool | null = null;

  get watching(): boolean {
    return this.netlinkMonitor !== null;
  }

  /** Start listening to Docker events and netlink notifications, which makes caching safe. */
  watch(): void {
    if (this.watching) return;
    this.netlinkMonitor = new NetlinkMonitor((nsid) => {
      if (nsid === 'current') this.invalidateNs(this.hostInode, 'netlink');
      else {
        const inode = nsid === null ? undefined : this.nsidToInode.get(nsid);
        if (inode === undefined) for (const e of this.nsCache.values()) delete e.netlink;
        else this.invalidateNs(inode, 'netlink');
      }
      this.emit('change', 'netlink');
    });
    this.dockerWatcher = new DockerEventWatcher(
      this.docker,
      (containerId) => {
        if (containerId === null) {
          // Reconnected after a gap: events may have been lost, so forget everything.
          this.inspectCache.clear();
          this.stalledInspections.clear();
          this.nsCache.clear();
          this.dockerDirty = true;
        } else {
          this.dockerDirty = true;
          this.inspectCache.delete(containerId);
          this.stalledInspections.delete(containerId);
          const inode = this.containerToInode.get(containerId);
          if (inode !== undefined) this.nsCache.delete(inode);
          // A task joining an overlay adds a veth to the overlay's namespace, which no event names.
          for (const sb of this.sandboxInodes) this.nsCache.delete(sb);
        }
        this.emit('change', 'docker');
      },
      (state) => this.emit('docker-state', state),
    );
  }

  /**
   * Ends every child (readers, worker shells, `ip monitor`) and the Docker event stream; resolves once the
   * children have exited. The closed reader and pool are kept, so a collection still running cannot start new ones.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.closing.abort();
    if (this.native === null) this.native = 'the collector is closed';
    this.pool ??= new ShellPool(0);
    const monitor = this.netlinkMonitor;
    this.dockerWatcher?.close();
    this.netlinkMonitor = null;
    this.dockerWatcher = null;
    await Promise.all([this.pool.close(), this.native instanceof NativeReader ? this.native.close() : null, monitor?.close(), endRunningTools()]);
  }

  private hostInode = -1;
  /** After close(), a collection still running skips its slow fallbacks: its result is thrown away. */
  private closed = false;
  /** Aborts Docker requests in flight on close(). */
  private readonly closing = new AbortController();

  /** A host path (a snapshot's namespace path, a SandboxKey) as this process opens it. */
  private local(hostPath: string): string {
    return localPath(this.paths, hostPath);
  }

  /** Our pid as the host's procfs numbers it (in a container with a PID namespace of its own, not process.pid). */
  private async hostPid(): Promise<number> {
    const self = await readlink(`${this.paths.proc}/self`).catch(() => null);
    return self !== null && /^\d+$/.test(self) ? Number(self) : process.pid;
  }

  private localOrSelf(hostPath: string | null): string | null {
    return hostPath === null ? null : this.local(hostPath);
  }

  private invalidateNs(inode: number, part: keyof NsCacheEntry) {
    const e = this.nsCache.get(inode);
    if (e) delete e[part];
  }

  async snapshot(opts: SnapshotOptions = {}): Promise<Snapshot> {
    const started = performance.now();
    const countersMaxAgeMs = opts.countersMaxAgeMs ?? 0;
    const problems: Problem[] = [];
    // Caches are only trustworthy while watchers report changes; a one-shot collection reads everything.
    const cacheNetlink = this.netlinkMonitor?.alive ?? false;
    const cacheDocker = this.dockerWatcher?.alive ?? false;
    if (!cacheNetlink) this.nsCache.clear();
    if (!cacheDocker) this.inspectCache.clear();
    const useCache = cacheNetlink && cacheDocker;
    // The fd walk is most of a /proc pass on a busy host: with a recent one, walk again only if a listener is new
    // or a holder has gone (checked after the namespace reads).
    const lastOwners = useCache && this.withListeners && this.ownerScan && Date.now() - this.ownerScan.at < OWNERS_MAX_AGE_MS ? this.ownerScan : null;
    if (!useCache) this.ownerScan = null;
    if (process.getuid?.() !== 0) {
      problems.push({
        source: 'privileges',
        subject: null,
        severity: 'warning',
        message: 'netatlas is not running as root: other namespaces and the firewall cannot be read, so this snapshot is partial',
      });
    }

    const selfInode = await netnsInode('/proc/self/ns/net');
    // Name the host namespace by PID 1 when we share it (the usual case): a path that still means something later.
    const hostPath = (await netnsInode(this.local('/proc/1/ns/net'))) === selfInode ? '/proc/1/ns/net' : `/proc/${await this.hostPid()}/ns/net`;
    this.hostInode = selfInode ?? -1;
    if (this.readerMode === 'native') this.native ??= NativeReader.open(this.nativeReaderPath, this.paths.proc);
    if (typeof this.native === 'string') {
      problems.push({ source: 'reader', subject: null, severity: 'debug', message: `${this.native}: namespaces are read with nsenter and ip` });
    }
    const phases = this.phases;
    const timed = async <T>(name: keyof typeof phases, p: Promise<T>): Promise<T> => {
      const t0 = performance.now();
      try {
        return await p;
      } finally {
        phases[name] = performance.now() - t0;
      }
    };
    phases.owners = 0;
    const [dockerRead, scanned, named, dockerNetns] = await Promise.all([
      timed('docker', this.readDockerSafe(problems, cacheDocker)),
      timed('proc', this.scanProcesses(this.withListeners && !lastOwners)).catch((e) => {
        problems.push({ source: 'proc', subject: '/proc', severity: 'error', message: `cannot scan /proc: ${(e as Error).message}` });
        return { procs: [] as ProcEntry[], owners: null };
      }),
      // Named by the host's paths (what the snapshot shows); opened through local().
      listNamedNetns(this.paths.netns).then((l) => l.map((n) => ({ ...n, path: `/var/run/netns/${n.name}` }))),
      listDockerNetns(this.paths.dockerNetns).then((l) => l.map((n) => ({ ...n, path: `/var/run/docker/netns/${n.name}` }))),
    ]);
    const procs = scanned.procs;

    const targets = await timed('find', this.findNamespaces(selfInode, dockerRead, procs, named, dockerNetns, problems));
    const read = (t: NsTarget) => this.readTarget(t, useCache, countersMaxAgeMs);
    const reads = await timed('namespaces', Promise.all(targets.map((t) => (t.kind === 'host' ? timed('host', read(t)) : read(t)))));
    const owners = lastOwners ? await timed('owners', this.ownersFor(lastOwners, reads, procs)) : scanned.owners;
    if (useCache && owners && !lastOwners) this.ownerScan = { at: Date.now(), owners, listeners: listenerInodes(reads) };
    // Swarm's load balancers (ingress_sbox, lb_…): their IPVS table, on every snapshot (few namespaces, one read each).
    const ipvs = await Promise.all(
      targets.map((t) =>
        isLoadBalancer(t)
          ? readIpvs(this.native instanceof NativeReader ? this.native : null, () => (this.pool ??= new ShellPool(this.concurrency)), this.localOrSelf(t.path))
          : null,
      ),
    );
    const assembling = performance.now();

    if (!owners && this.withListeners) {
      problems.push({ source: 'listeners', subject: null, severity: 'warning', message: 'cannot map sockets to processes (/proc/PID/fd): listeners are shown without their processes' });
    }
    const namespaces: Namespace[] = [];
    const rawPeers = new Map<string, RawVethPeers>();
    let hostIpt4: string | null = null;
    targets.forEach((t, i) => {
      const r = reads[i];
      const id = namespaceId(t.inode);
      if (r.error) {
        const gone = t.kind === 'container' && /No such file|cannot open/.test(r.error);
        problems.push({
          source: 'namespace',
          subject: id,
          severity: gone ? 'info' : 'error',
          message: gone
            ? `namespace of ${t.name ?? id} vanished while it was being read (container stopped)`
            : `cannot read namespace ${t.path ?? 'host'}: ${r.error}`,
        });
        if (gone) return;
      }
      problems.push(...r.problems, ...r.netlink.problems, ...r.netfilter.problems);
      if (r.listeners === null && !r.error && this.withListeners) {
        problems.push({ source: 'listeners', subject: id, severity: 'warning', message: 'listening sockets could not be read in this namespace' });
      }
      rawPeers.set(id, r.netlink.rawPeers);
      if (t.kind === 'host') hostIpt4 = r.ipt4;
      namespaces.push({
        id,
        inode: t.inode,
        kind: t.kind,
        path: t.path ?? hostPath,
        name: t.name,
        containers: t.containers,
        // Copies: joins set peers, and cached objects may belong to an earlier snapshot too.
        interfaces: r.netlink.interfaces.map((x) => ({ ...x, peer: null })),
        routes: r.netlink.routes,
        netfilter: r.netfilter.netfilter,
        listeners: r.listeners ? listenersFromRaw(r.listeners, owners ?? new Map()) : null,
        ...(ipvs[i] ? { ipvs: ipvs[i].services, ipv4Forward: ipvs[i].ipv4Forward } : {}),
      });
      const table = ipvs[i];
      if (table?.reason) problems.push({ source: 'ipvs', subject: id, severity: 'info', message: table.reason });
      if (table?.warning) problems.push({ source: 'ipvs', subject: id, severity: 'warning', message: table.warning });
    });
    problems.push(...resolveVethPeers(namespaces, rawPeers));
    this.learnNsids(namespaces, rawPeers);

    const docker = dockerRead ? this.mapDocker(dockerRead, namespaces) : null;
    if (docker) problems.push(...joinEndpoints(docker.containers, namespaces));

    const host = namespaces.find((n) => n.kind === 'host');
    const bridges = host?.interfaces.filter((i) => i.kind === 'bridge').map((i) => i.name) ?? [];
    const [sysctls, iptables, dockerProxies] = await Promise.all([
      readSysctls(bridges),
      this.backend(hostIpt4),
      readDockerProxies(procs, docker?.containers ?? [], this.paths.proc),
    ]);
    if (iptables.warning) problems.push({ source: 'iptables', subject: null, severity: 'warning', message: iptables.warning });
    if (sysctls.bridgeNfCallIptables === null && bridges.length > 0) {
      problems.push({
        source: 'sysctl',
        subject: 'net.bridge.bridge-nf-call-iptables',
        severity: 'info',
        message: 'br_netfilter is not loaded: traffic between containers on one bridge is not seen by iptables',
      });
    }

    // Reads finish in any order; a stable order keeps equal states equal as text (the hub compares them so).
    problems.sort((a, b) => `${a.source}\0${a.subject}\0${a.message}`.localeCompare(`${b.source}\0${b.subject}\0${b.message}`));
    const snapshot: Snapshot = {
      schemaVersion: SCHEMA_VERSION,
      host: {
        hostname: hostname(),
        kernel: release(),
        collectedAt: new Date().toISOString(),
        collectionMs: Math.round((performance.now() - started) * 10) / 10,
        docker: {
          reachable: dockerRead !== null,
          endpoint: this.endpoint,
          version: dockerRead?.version ?? null,
          apiVersion: dockerRead?.apiVersion ?? null,
        },
        iptables,
        sysctls,
        problems,
      },
      namespaces: namespaces.sort((a, b) => KIND_RANK[a.kind] - KIND_RANK[b.kind] || a.inode - b.inode),
      docker,
      dockerProxies,
    };
    phases.assemble = performance.now() - assembling;
    return snapshot;
  }

  private async readDockerSafe(problems: Problem[], useCache: boolean): Promise<DockerRead | null> {
    if (useCache && !this.dockerDirty && this.lastDocker) return this.lastDocker;
    this.dockerDirty = false; // before the read: an event arriving during it marks it dirty again
    try {
      this.lastDocker = await readDocker(this.docker, this.inspectCache, problems, this.closing.signal, this.stalledInspections);
      // Read again next time: a container dockerd did not answer for is retried, and its warning stays in view.
      if (this.stalledInspections.size) this.dockerDirty = true;
      return this.lastDocker;
    } catch (e) {
      this.lastDocker = null;
      this.dockerDirty = true;
      problems.push({ source: 'docker', subject: this.endpoint, severity: 'error', message: describeDockerError(e, this.endpoint) });
      return null;
    }
  }

  /** Every network namespace worth showing, deduplicated by inode (several containers may share one). */
  private async findNamespaces(
    selfInode: number | null,
    docker: DockerRead | null,
    procs: ProcEntry[],
    named: { name: string; path: string }[],
    dockerNetns: { name: string; path: string; inode: number }[],
    problems: Problem[],
  ): Promise<NsTarget[]> {
    const byInode = new Map<number, NsTarget>();
    const add = (t: NsTarget) => {
      const have = byInode.get(t.inode);
      if (!have) return void byInode.set(t.inode, t);
      have.containers.push(...t.containers);
      // Prefer the more specific kind, then a sandbox file (it has a name) over a /proc/PID path.
      const better = KIND_RANK[t.kind] < KIND_RANK[have.kind] || (t.kind === have.kind && have.name === null && t.name !== null);
      if (better) Object.assign(have, { kind: t.kind, path: t.path, name: t.name });
    };
    if (selfInode === null) throw new Error('cannot read /proc/self/ns/net: is /proc mounted?');
    add({ inode: selfInode, kind: 'host', path: null, name: null, containers: [] });

    this.containerToInode.clear();
    const running = (docker?.containers ?? []).filter((c) => c.State?.Status === 'running' || c.State?.Status === 'paused');
    // The sandbox file outlives pid changes; container:X and host-mode containers have none of their own. A sandbox
    // file that is not a namespace here (a bind mount that did not propagate into an agent's container) gives way to
    // the container's process.
    const nsfsDev = (await stat('/proc/self/ns/net')).dev;
    const located = await Promise.all(
      running.map(async (c) => {
        const key = c.NetworkSettings?.SandboxKey;
        const pid = c.State?.Pid ?? 0;
        const sandbox = key && !key.endsWith('/default') ? key : null;
        const byKey = sandbox ? await nsfsInode(this.local(sandbox), nsfsDev) : null;
        if (sandbox && byKey !== null) return { path: sandbox, inode: byKey, key: sandbox };
        const byPid = pid > 0 ? `/proc/${pid}/ns/net` : null;
        return { path: byPid, inode: byPid ? await netnsInode(this.local(byPid)) : null, key: sandbox };
      }),
    );
    for (const [i, c] of running.entries()) {
      const { path, inode, key } = located[i];
      if (!path || inode === null) {
        problems.push({ source: 'namespace', subject: c.Id, severity: 'info', message: `${c.Name.replace(/^\//, '')}: its network namespace is gone (container stopping?)` });
        continue;
      }
      this.containerToInode.set(c.Id, inode);
      add({ inode, kind: 'container', path, name: key ? key.split('/').pop()! : null, containers: [c.Id] });
    }
    const namedInodes = await Promise.all(named.map((n) => netnsInode(this.local(n.path))));
    for (const [i, n] of named.entries()) {
      const inode = namedInodes[i];
      if (inode !== null) add({ inode, kind: 'named', path: n.path, name: n.name, containers: [] });
    }
    // Namespaces no process lives in: swarm's overlay networks (br0, vxlan), ingress_sbox, load balancers.
    for (const n of dockerNetns) add({ inode: n.inode, kind: 'other', path: n.path, name: n.name, containers: [] });
    this.sandboxInodes = new Set(dockerNetns.filter((n) => byInode.get(n.inode)?.kind === 'other').map((n) => n.inode));
    for (const p of procs) {
      if (p.netnsInode !== null && !byInode.has(p.netnsInode)) {
        add({ inode: p.netnsInode, kind: 'other', path: `/proc/${p.pid}/ns/net`, name: p.comm, containers: [] });
      }
    }
    const targets = [...byInode.values()];
    // The host namespace keeps its own path null; everything it holds is read in-process.
    const host = targets.find((t) => t.kind === 'host')!;
    host.containers = [...new Set(host.containers)];
    return targets;
  }

  /**
   * Every process's namespace and comm, and socket inode → holders (owners null when unreadable): one pass over
   * /proc in the native reader, else Node's two (scanProc, socketOwners).
   */
  private async scanProcesses(withOwners: boolean): Promise<{ procs: ProcEntry[]; owners: Map<number, SocketOwner[]> | null }> {
    if (this.native instanceof NativeReader) {
      try {
        const a = await this.native.read(null, [withOwners ? 'P' : 'p']);
        if (a.ok) {
          const owners = new Map<number, SocketOwner[]>();
          for (const [inode, pid, comm] of a.owners ?? []) owners.set(inode, [...(owners.get(inode) ?? []), { pid, comm }]);
          return { procs: (a.procs ?? []).map(([pid, netnsInode, comm]) => ({ pid, netnsInode, comm: comm.trim() })), owners: withOwners ? owners : null };
        }
      } catch {
        // the reader died: Node's own scan below
      }
    }
    if (this.closed) return { procs: [], owners: null };
    const [procs, owners] = await Promise.all([scanProc(this.paths.proc), withOwners ? socketOwners(this.paths.proc).catch(() => null) : null]);
    return { procs, owners };
  }

  /**
   * The last fd walk's map while it still holds: every listener now was there then, and each of its holders is still
   * alive under the same name. Otherwise (and after OWNERS_MAX_AGE_MS, which bounds how long a process that merely
   * inherited a known socket can go unnamed) a new walk.
   */
  private async ownersFor(last: OwnerScan, reads: TargetRead[], procs: ProcEntry[]): Promise<Map<number, SocketOwner[]> | null> {
    const alive = new Map(procs.map((p) => [p.pid, p.comm]));
    const holds = (inode: number) => last.listeners.has(inode) && (last.owners.get(inode) ?? []).every((o) => alive.get(o.pid) === o.comm.trim());
    if (reads.every((r) => (r.listeners ?? []).every((l) => holds(l.inode)))) return last.owners;
    const { owners } = await this.scanProcesses(true).catch(() => ({ owners: null }));
    this.ownerScan = owners ? { at: Date.now(), owners, listeners: listenerInodes(reads) } : null;
    return owners;
  }

  private async readTarget(t: NsTarget, useCache: boolean, countersMaxAgeMs: number): Promise<TargetRead> {
    const cached = useCache ? (this.nsCache.get(t.inode) ?? {}) : {};
    if (this.native instanceof NativeReader) {
      const r = await this.readTargetNative(this.native, t, cached, useCache, countersMaxAgeMs);
      if (!('fallback' in r)) return r;
      const shell = await this.readTargetShell(t, cached, useCache);
      shell.problems.push({ source: 'reader', subject: namespaceId(t.inode), severity: 'debug', message: `${r.fallback}: read with nsenter and ip instead` });
      return shell;
    }
    return this.readTargetShell(t, cached, useCache);
  }

  /**
   * One request to the native reader (two when the container's rules changed). Container rules stay cached until
   * Docker says the container changed or its nf_tables generation id moves — a cheap check made on every read, so
   * rules a container adds in its own namespace show up on the next snapshot. The host's are re-read for their
   * counters, unless they are younger than `countersMaxAgeMs` and the same check says they have not changed.
   */
  private async readTargetNative(
    native: NativeReader,
    t: NsTarget,
    cached: NsCacheEntry,
    useCache: boolean,
    countersMaxAgeMs: number,
  ): Promise<TargetRead | { fallback: string }> {
    const id = namespaceId(t.inode);
    const parts: NativePart[] = this.withListeners ? ['l', 'g'] : ['g'];
    if (!cached.netlink) parts.push('n');
    // Legacy iptables tables change without moving the generation id: with any loaded, the host is always re-read.
    const hostRulesAged = t.kind === 'host' && (Date.now() - (cached.filterAt ?? 0) > countersMaxAgeMs || (await legacyTablesLoaded()));
    const freshFilter = hostRulesAged || !cached.netfilter;
    if (freshFilter) parts.push('f');
    let a: NativeAnswer;
    if (parts.includes('n') || parts.includes('f')) this.namespaceReads++;
    try {
      a = await native.read(this.localOrSelf(t.path), parts);
      if (a.ok && !freshFilter && a.genid !== cached.genid) {
        this.namespaceReads++;
        const f = await native.read(this.localOrSelf(t.path), ['g', 'f']);
        a = f.ok ? { ...a, genid: f.genid, nft: f.nft, ipt4: f.ipt4, ipt6: f.ipt6 } : f;
      }
    } catch (e) {
      return { fallback: (e as Error).message };
    }
    if (!a.ok) {
      // A vanished namespace is an answer; a refused setns() (e.g. no CAP_SYS_ADMIN) is a reason to try nsenter.
      if (a.error?.includes('No such file')) return { ...emptyRead(), error: a.error };
      return { fallback: `native reader: ${a.error}` };
    }
    if (a.nft) {
      try {
        a = { ...a, ...(await this.iptablesNative(native, t, a)) };
      } catch (e) {
        return { fallback: (e as Error).message };
      }
    }
    const problems: Problem[] = [];
    if (a.error) problems.push({ source: 'netlink', subject: id, severity: 'error', message: `native reader: ${a.error}` });
    const netlink = cached.netlink ?? parseNetlinkData(id, { links: a.links ?? [], addrs: a.addrs ?? [], route4: a.route4 ?? [], route6: a.route6 ?? [] });
    const netfilter = a.nft
      ? parseNetfilterRead(id, {
          sections: { nft: a.nft, ipt4: a.ipt4, ipt6: a.ipt6 },
          error: null,
          stderr: [a.nft, a.ipt4, a.ipt6].map((s) => s?.stderr ?? '').join(''),
        })
      : cached.netfilter!;
    const ipt4 = a.nft ? (a.ipt4?.code === 0 ? a.ipt4.stdout : null) : (cached.ipt4 ?? null);
    if (useCache && !a.error) {
      this.nsCache.set(t.inode, { netlink, netfilter, genid: a.nft ? a.genid : cached.genid, filterAt: a.nft ? Date.now() : cached.filterAt, ipt4 });
    }
    return { netlink, netfilter, error: null, ipt4, listeners: a.listenersError || !this.withListeners ? null : (a.listeners ?? null), problems };
  }

  /**
   * iptables' view of a namespace: rebuilt from the nft listing where iptables-nft's rules are of shapes
   * lib/netfilter/iptables-from-nft.ts knows (Docker's embedded-DNS rules in every user-network container), else
   * from iptables-save, which the reader runs (one process each; always on the host, whose policy counters move).
   */
  private async iptablesNative(native: NativeReader, t: NsTarget, a: NativeAnswer): Promise<{ ipt4: NativeSection; ipt6: NativeSection }> {
    const tables = a.nft!.code === 0 && t.kind !== 'host' ? parseNftText(a.nftText?.stdout ?? '') : null;
    const jsonTables = tables ? nftJsonTables(a.nft!.stdout) : [];
    const empty = { code: 0, stdout: '', stderr: '' };
    const plan = (family: 'ip' | 'ip6', legacy: boolean | undefined): NativeSection | null => {
      if (!tables || legacy) return null;
      if (!tables.some((x) => x.family === family)) return empty;
      const text = iptablesSaveFromNft(tables, jsonTables, family);
      return text === null ? null : { code: 0, stdout: text, stderr: '' };
    };
    const wantTools = t.kind === 'host' || a.nft!.code !== 0;
    let ipt4 = wantTools ? null : plan('ip', a.legacy4);
    let ipt6 = wantTools ? null : plan('ip6', a.legacy6);
    if (wantTools && a.nft!.code === 0) {
      // Only families that have tables, as the shell path does.
      if (!/"family": "ip"/.test(a.nft!.stdout) && !a.legacy4) ipt4 = empty;
      if (!/"family": "ip6"/.test(a.nft!.stdout) && !a.legacy6) ipt6 = empty;
    }
    const parts: NativePart[] = [...(ipt4 ? [] : (['4'] as const)), ...(ipt6 ? [] : (['6'] as const))];
    if (parts.length) {
      const r = await native.read(this.localOrSelf(t.path), parts);
      if (!r.ok) throw new Error(`native reader: ${r.error}`);
      ipt4 ??= r.ipt4!;
      ipt6 ??= r.ipt6!;
    }
    return { ipt4: ipt4!, ipt6: ipt6! };
  }

  private async readTargetShell(t: NsTarget, cached: NsCacheEntry, useCache: boolean): Promise<TargetRead> {
    const id = namespaceId(t.inode);
    const sections: Section[] = [];
    if (!cached.netlink) sections.push(...NETLINK_SECTIONS, ...(this.withListeners ? LISTENER_SECTIONS : []));
    const freshFilter = t.kind === 'host' || !cached.netfilter;
    if (freshFilter) sections.push(...NETFILTER_SECTIONS);
    this.pool ??= new ShellPool(this.concurrency);
    if (sections.length) this.namespaceReads++;
    const read = sections.length ? await readNamespace(this.pool, this.localOrSelf(t.path), sections) : null;
    const error = read?.error ?? null;
    const netlink = cached.netlink ?? parseNetlinkRead(id, pick(read!, NETLINK_SECTIONS));
    const netfilter = freshFilter ? parseNetfilterRead(id, pick(read!, NETFILTER_SECTIONS)) : cached.netfilter!;
    const listeners = !this.withListeners ? null : cached.netlink ? (cached.listeners ?? null) : parseListenerRead(read!, endianness() === 'LE');
    if (useCache && !error) this.nsCache.set(t.inode, { netlink, netfilter, listeners });
    const ipt4 = read?.sections.ipt4?.code === 0 ? read.sections.ipt4.stdout : null;
    return { netlink, netfilter, error, ipt4, listeners, problems: [] };
  }

  private learnNsids(namespaces: Namespace[], rawPeers: Map<string, RawVethPeers>) {
    const host = namespaces.find((n) => n.kind === 'host');
    const raw = host ? rawPeers.get(host.id) : undefined;
    if (!host || !raw) return;
    const inodeOf = new Map(namespaces.map((n) => [n.id, n.inode]));
    for (const i of host.interfaces) {
      const r = raw.get(i.ifindex);
      if (r?.netnsid != null && i.peer) this.nsidToInode.set(r.netnsid, inodeOf.get(i.peer.namespaceId)!);
    }
  }

  private mapDocker(read: DockerRead, namespaces: Namespace[]): NonNullable<Snapshot['docker']> {
    const resolve = (ref: string) =>
      read.containers.find((c) => c.Id === ref || c.Id.startsWith(ref) || c.Name === `/${ref}`)?.Id ?? null;
    const nsOfContainer = new Map(namespaces.flatMap((n) => n.containers.map((c) => [c, n.id] as const)));
    const mapped = read.containers.map((c) => mapContainer(c, read.networks, resolve, nsOfContainer.get(c.Id) ?? null));
    const containers: Container[] = mapped.map((c, i) => {
      const files = read.containers[i].dnsFiles;
      if (!files) return c;
      // A container:X sharer uses X's files, whose own-name lines name X's addresses.
      const owner = (c.networkMode.sharedWith && mapped.find((x) => x.id === c.networkMode.sharedWith)) || c;
      const own = owner.endpoints.flatMap((e) => [e.ipv4, e.ipv6].filter((a): a is string => !!a));
      return { ...c, dns: containerDns(files.resolvConf, files.hosts, own) };
    });
    const networks = read.networks.map((n) =>
      mapNetwork(n, containers.filter((c) => c.endpoints.some((e) => e.networkId === n.Id)).map((c) => c.id)),
    );
    return {
      networks: networks.sort((a, b) => a.name.localeCompare(b.name)),
      containers: containers.sort((a, b) => a.name.localeCompare(b.name)),
    };
  }

  private async backend(hostIpt4: string | null): Promise<Snapshot['host']['iptables']> {
    if (this.backendCache && (this.closed || (this.watching && Date.now() - this.backendCache.at < 10_000))) return this.backendCache.value;
    const value = await detectBackend(hostIpt4);
    this.backendCache = { at: Date.now(), value };
    return value;
  }
}

function listenerInodes(reads: TargetRead[]): Set<number> {
  return new Set(reads.flatMap((r) => (r.listeners ?? []).map((l) => l.inode)));
}

/** Whether legacy (x_tables) iptables tables exist in this process's namespace: their names are listed here. */
async function legacyTablesLoaded(): Promise<boolean> {
  const names = await Promise.all(['/proc/self/net/ip_tables_names', '/proc/self/net/ip6_tables_names'].map((p) => readFile(p, 'utf8').catch(() => '')));
  return names.some((n) => n.trim() !== '');
}

function nftJsonTables(text: string) {
  try {
    return parseNftJson(JSON.parse(text)).tables;
  } catch {
    return []; // then no rule passes the check, and iptables-save runs
  }
}

function emptyRead(): TargetRead {
  return {
    netlink: { interfaces: [], routes: [], rawPeers: new Map(), problems: [] },
    netfilter: { netfilter: null, problems: [] },
    error: null,
    ipt4: null,
    listeners: null,
    problems: [],
  };
}

function pick(read: NamespaceRead, sections: Section[]): NamespaceRead {
  return {
    sections: Object.fromEntries(sections.filter((s) => read.sections[s]).map((s) => [s, read.sections[s]])),
    error: read.error,
    stderr: read.stderr,
  };
}

async function readDockerProxies(procs: ProcEntry[], containers: Container[], procRoot: string): Promise<DockerProxy[]> {
  const out: DockerProxy[] = [];
  for (const p of procs.filter((e) => e.comm === 'docker-proxy')) {
    const argv = await readCmdline(p.pid, procRoot);
    const args = argv && parseDockerProxyArgs(argv);
    if (!args) continue;
    const owner = containers.find((c) => c.endpoints.some((e) => e.ipv4 === args.containerIp || e.ipv6 === args.containerIp));
    out.push({ pid: p.pid, ...args, containerId: owner?.id ?? null });
  }
  return out.sort((a, b) => a.hostPort - b.hostPort || a.hostIp.localeCompare(b.hostIp));
}

/** Read the host once, with nothing cached. */
export async function collectSnapshot(opts: CollectorOptions = {}): Promise<Snapshot> {
  const c = new Collector(opts);
  try {
    return await c.snapshot();
  } finally {
    await c.close();
  }
}

/** Validate a snapshot this process built (a bug guard, used by tests and the CLI's --json). */
export function assertValid(s: Snapshot): Snapshot {
  return SnapshotSchema.parse(s);
}
