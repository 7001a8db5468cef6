import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Namespace, Snapshot } from '../../lib/snapshot/schema';
import { parseSnapshot } from '../../lib/snapshot/schema';
import { Collector, collectSnapshot } from './collector';

// The native reader (server/collect/native/netns-reader.c) against the shell path and against ground truth taken
// by hand with nsenter + ss. Needs the lab (e2e/lab/lab.sh up) and root. The shell path is forced with the
// collector's `reader: 'shell'` option (NETATLAS_READER=shell does the same for a whole process).

const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' });
const HOSTILE_NS = `na-hostile-${randomBytes(3).toString('hex')}`;
const RULES_NS = `na-rules-${randomBytes(3).toString('hex')}`;
const ESC_NAME = '\x1b]0;PWN\x07';
const RED_NAME = '\x1b[31mRED';

let native: Snapshot;
let shell: Snapshot;

beforeAll(async () => {
  sh('ip', ['netns', 'add', HOSTILE_NS]);
  sh('ip', ['-n', HOSTILE_NS, 'link', 'add', ESC_NAME, 'type', 'veth', 'peer', 'name', RED_NAME]);
  sh('ip', ['-n', HOSTILE_NS, 'link', 'set', ESC_NAME, 'up']);
  // Bytes that are not UTF-8 (a JS string cannot carry them to ip; printf can).
  sh('sh', ['-c', `ip -n ${HOSTILE_NS} link add "$(printf 'bad\\377\\376')" type veth peer name "$(printf 'bad2\\377')"`]);
  native = await collectSnapshot({ reader: 'native' });
  shell = await collectSnapshot({ reader: 'shell' });
}, 60_000);

afterAll(() => {
  for (const ns of [HOSTILE_NS, RULES_NS]) execFileSync('sh', ['-c', `ip netns del ${ns} 2>/dev/null || true`]);
});

/** What may differ between two reads a moment apart: counters, timings, and the sockets of lookups in flight. */
function comparable(s: Snapshot) {
  const strip = (k: string, v: unknown) => (k === 'counters' || k === 'collectedAt' || k === 'collectionMs' ? undefined : v);
  return JSON.parse(
    JSON.stringify(
      {
        ...s,
        host: { ...s.host, problems: s.host.problems.filter((p) => p.source !== 'reader') },
        // The host's iptables are read twice a moment apart: other engineers' tests may change them meanwhile.
        namespaces: s.namespaces.map((n) => ({ ...n, netfilter: n.kind === 'host' ? null : n.netfilter })),
        dockerProxies: s.dockerProxies.map((p) => ({ ...p, pid: 0 })),
      },
      strip,
    ),
  );
}

const byName = (s: Snapshot, name: string): Namespace => {
  const ns = s.namespaces.find((n) => n.name === name);
  if (!ns) throw new Error(`namespace ${name} missing`);
  return ns;
};

describe('the native reader', () => {
  it('was used: no namespace fell back to the shell path', () => {
    expect(native.host.problems.filter((p) => p.source === 'reader')).toEqual([]);
    expect(() => parseSnapshot(JSON.parse(JSON.stringify(native)))).not.toThrow();
  });

  it('gives the same snapshot as the shell path (apart from counters and timings)', () => {
    const a = comparable(native);
    const b = comparable(shell);
    // Per namespace first, for a readable failure; then everything.
    expect(a.namespaces.map((n: Namespace) => n.id)).toEqual(b.namespaces.map((n: Namespace) => n.id));
    a.namespaces.forEach((n: Namespace, i: number) => expect(n, `namespace ${n.kind} ${n.name}`).toEqual(b.namespaces[i]));
    expect(a).toEqual(b);
  });

  it('falls back to the shell path when the reader is not built, and says so at debug level', async () => {
    const s = await collectSnapshot({ reader: 'native', nativeReaderPath: '/nonexistent/netns-reader' });
    const reasons = s.host.problems.filter((p) => p.source === 'reader');
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatchObject({ severity: 'debug', message: expect.stringContaining('not built') });
    const ids = (x: Snapshot) => x.namespaces.map((n) => `${n.id} ${n.interfaces.map((i) => i.name).join(',')}`);
    expect(ids(s)).toEqual(ids(native));
  });

  it('keeps interfaces with control characters in their names, exactly, and pairs them', () => {
    for (const s of [native, shell]) {
      const ns = byName(s, HOSTILE_NS);
      const esc = ns.interfaces.find((i) => i.name === ESC_NAME);
      const red = ns.interfaces.find((i) => i.name === RED_NAME);
      expect(esc, 'the ESC ] 0 ; PWN BEL end').toBeDefined();
      expect(red, 'the ESC [ 31m RED end').toBeDefined();
      expect(esc!.peer).toEqual({ namespaceId: ns.id, ifindex: red!.ifindex, name: RED_NAME });
      expect(red!.peer).toEqual({ namespaceId: ns.id, ifindex: esc!.ifindex, name: ESC_NAME });
      // Invalid UTF-8 becomes U+FFFD per byte on both paths; the pair still pairs.
      const bad = ns.interfaces.find((i) => i.name === 'bad\ufffd\ufffd');
      const bad2 = ns.interfaces.find((i) => i.name === 'bad2\ufffd');
      expect(bad, 'bad\\377\\376').toBeDefined();
      expect(bad2, 'bad2\\377').toBeDefined();
      expect(bad!.peer?.ifindex).toBe(bad2!.ifindex);
      expect(bad2!.peer?.ifindex).toBe(bad!.ifindex);
      expect(s.host.problems.filter((p) => p.subject?.startsWith(ns.id))).toEqual([]);
    }
  });
});

describe('listeners', () => {
  /** Ground truth: `ss` run inside the namespace, as an operator would: "proto port inode" per socket. */
  const truth = (path: string) =>
    sh('nsenter', [`--net=${path}`, 'ss', '-Hltune'])
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const f = l.trim().split(/\s+/);
        return `${f[0]} ${Number(f[4].slice(f[4].lastIndexOf(':') + 1))} ${/ino:(\d+)/.exec(l)![1]}`;
      });

  it('match ss in every container namespace and on the host', async () => {
    const targets = native.namespaces.filter((n) => n.kind === 'container' || n.kind === 'host');
    const before = new Map(targets.map((n) => [n.id, truth(n.path!)]));
    const s = await collectSnapshot({ reader: 'native' });
    const after = new Map(targets.map((n) => [n.id, truth(n.path!)]));
    let checked = 0;
    for (const t of targets) {
      const ns = s.namespaces.find((n) => n.id === t.id);
      if (!ns) continue; // a container that stopped meanwhile
      expect(ns.listeners, `${t.kind} ${t.name}: readable`).not.toBeNull();
      const got = new Set(ns.listeners!.map((l) => `${l.protocol} ${l.port} ${l.inode}`));
      const b = before.get(t.id)!;
      const a = new Set(after.get(t.id)!);
      // Sockets may come and go between the reads: what existed throughout must be there, nothing unseen may be.
      for (const x of b.filter((y) => a.has(y))) expect(got.has(x), `${t.kind} ${t.name}: ${x}`).toBe(true);
      for (const x of got) expect(b.includes(x) || a.has(x), `${t.kind} ${t.name}: ${x} unknown to ss`).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(5);
  });

  it('name httpd on :80 in every networked lab container, and dockerd for the embedded DNS on 127.0.0.11', () => {
    // lab-none runs only sleep; lab-hostnet's httpd is the host's business.
    const lab = native.docker!.containers.filter((c) => c.name.startsWith('lab-') && c.state === 'running' && c.endpoints.some((e) => e.networkName !== 'none') && c.networkMode.kind !== 'host');
    expect(lab.length).toBeGreaterThan(3);
    for (const c of lab) {
      const ns = native.namespaces.find((n) => n.containers.includes(c.id))!;
      const http = ns.listeners!.find((l) => l.protocol === 'tcp' && l.port === 80);
      expect(http?.processes.map((p) => p.comm), c.name).toContain('httpd');
      const userNet = c.endpoints.some((e) => !['bridge', 'host', 'none'].includes(e.networkName));
      const dns = ns.listeners!.filter((l) => l.address === '127.0.0.11');
      if (userNet) {
        expect(dns.map((l) => l.protocol).sort(), c.name).toEqual(['tcp', 'udp']);
        for (const l of dns) expect(l.processes.map((p) => p.comm)).toEqual(['dockerd']);
      } else expect(dns, c.name).toEqual([]);
    }
  });

  it('are an empty list only where nothing listens (a fresh namespace), a list everywhere that was read', () => {
    expect(byName(native, HOSTILE_NS).listeners).toEqual([]);
    for (const n of native.namespaces) expect(Array.isArray(n.listeners), `${n.kind} ${n.name}`).toBe(true);
  });
});

describe('rules a namespace adds itself', () => {
  it('show up on the next snapshot of a watching collector, without any Docker event', async () => {
    sh('ip', ['netns', 'add', RULES_NS]);
    const c = new Collector({ reader: 'native' });
    c.watch();
    try {
      await new Promise((r) => setTimeout(r, 500)); // let the watchers connect
      const first = await c.snapshot();
      expect(byName(first, RULES_NS).netfilter?.nftables ?? []).toEqual([]);
      await c.snapshot(); // cached now
      sh('ip', ['netns', 'exec', RULES_NS, 'nft', 'add table inet na_i12_probe']);
      sh('ip', ['netns', 'exec', RULES_NS, 'nft', 'add chain inet na_i12_probe input { type filter hook input priority 0; }']);
      await expect
        .poll(async () => (byName(await c.snapshot(), RULES_NS).netfilter?.nftables ?? []).map((t) => t.name), { timeout: 10_000, interval: 200 })
        .toEqual(['na_i12_probe']);
    } finally {
      await c.close();
    }
  });
});
