import { readFileSync } from 'node:fs';
import type { Container, Counters, IptRuleset, Snapshot } from '../snapshot/schema';
import { namespaceId, parseSnapshot } from '../snapshot/schema';
import { parseIptablesSave } from '../netfilter/iptables-parse';
import { addContainer, addNetwork, removeContainer, syntheticSnapshot } from '../topology/synthetic';

/**
 * Snapshots for the delta property test and the history benchmark: the real ones in the repository, synthetic
 * hosts with Docker-shaped iptables rules, and variants of each made the way a host changes (containers come and
 * go, restart into new namespaces, networks appear, rules are inserted mid-chain, counters and sysctls move).
 */

const here = (rel: string) => new URL(rel, import.meta.url);
export const labSnapshot = (): Snapshot => parseSnapshot(JSON.parse(readFileSync(here('../snapshot/__fixtures__/lab-snapshot.json'), 'utf8')));
export const docsSnapshot = (): Snapshot => parseSnapshot(JSON.parse(readFileSync(here('../../docs/snapshot.example.json'), 'utf8')));

const clone = <T>(v: T): T => structuredClone(v);

/** The host's iptables as Docker (iptables backend) writes them for the snapshot's networks and published ports. */
export function dockerIptables(s: Snapshot): IptRuleset {
  const nets = s.docker?.networks.filter((n) => n.bridge) ?? [];
  const lines = ['*nat', ':PREROUTING ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]', ':DOCKER - [0:0]',
    '[0:0] -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER', '[0:0] -A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER'];
  for (const n of nets) lines.push(`[0:0] -A POSTROUTING -s ${n.subnets[0].subnet} ! -o ${n.bridge} -j MASQUERADE`);
  for (const n of nets) lines.push(`[0:0] -A DOCKER -i ${n.bridge} -j RETURN`);
  const published = (s.docker?.containers ?? []).flatMap((c) => c.ports.map((p) => ({ c, p, e: c.endpoints[0] })));
  for (const { p, e } of published) {
    lines.push(`[0:0] -A DOCKER ! -i ${e.bridge} -p ${p.protocol} -m ${p.protocol} --dport ${p.hostPort} -j DNAT --to-destination ${e.ipv4}:${p.containerPort}`);
  }
  lines.push('COMMIT', '*filter', ':INPUT ACCEPT [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', ':DOCKER - [0:0]',
    ':DOCKER-ISOLATION-STAGE-1 - [0:0]', ':DOCKER-ISOLATION-STAGE-2 - [0:0]', ':DOCKER-USER - [0:0]',
    '[0:0] -A FORWARD -j DOCKER-USER', '[0:0] -A FORWARD -j DOCKER-ISOLATION-STAGE-1');
  for (const n of nets) {
    lines.push(`[0:0] -A FORWARD -o ${n.bridge} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
      `[0:0] -A FORWARD -o ${n.bridge} -j DOCKER`, `[0:0] -A FORWARD -i ${n.bridge} ! -o ${n.bridge} -j ACCEPT`,
      `[0:0] -A FORWARD -i ${n.bridge} -o ${n.bridge} -j ACCEPT`);
  }
  for (const { p, e } of published) {
    lines.push(`[0:0] -A DOCKER -d ${e.ipv4}/32 ! -i ${e.bridge} -o ${e.bridge} -p ${p.protocol} -m ${p.protocol} --dport ${p.containerPort} -j ACCEPT`);
  }
  for (const n of nets) lines.push(`[0:0] -A DOCKER-ISOLATION-STAGE-1 -i ${n.bridge} ! -o ${n.bridge} -j DOCKER-ISOLATION-STAGE-2`);
  for (const n of nets) lines.push(`[0:0] -A DOCKER-ISOLATION-STAGE-2 -o ${n.bridge} -j DROP`);
  lines.push('[0:0] -A DOCKER-USER -j RETURN', 'COMMIT');
  return parseIptablesSave(lines.join('\n') + '\n');
}

/** A synthetic host of `containers` containers (every 8th publishing a port) with Docker's iptables on the host. */
export function ruledHost(containers: number): Snapshot {
  const s = syntheticSnapshot(containers);
  withDockerRules(s);
  return s;
}

function withDockerRules(s: Snapshot): Snapshot {
  s.namespaces[0].netfilter = { ipv4: dockerIptables(s), ipv6: null, nftables: null };
  return s;
}

/** A small deterministic PRNG, so a failing variant can be reproduced. */
export function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

const bump = (c: Counters | null, packets: number): Counters => ({
  packets: (c?.packets ?? 0) + packets,
  bytes: (c?.bytes ?? 0) + packets * 1200,
});

/**
 * Traffic to the containers whose published port `flows` says: their DNAT and ACCEPT rules, MASQUERADE of their
 * network, and the chains those sit in count up. Returns a new snapshot (counters only).
 */
export function withTraffic(s: Snapshot, flows: (c: Container) => number): Snapshot {
  const out = clone(s);
  const rs = out.namespaces.find((n) => n.kind === 'host')!.netfilter?.ipv4;
  if (!rs) return out;
  for (const c of out.docker?.containers ?? []) {
    const packets = flows(c);
    if (!packets) continue;
    const e = c.endpoints[0];
    if (!e?.ipv4) continue;
    for (const t of rs.tables) {
      for (const ch of t.chains) {
        let hit = false;
        for (const r of ch.rules) {
          const mine = r.raw.includes(` ${e.ipv4}:`) || r.raw.includes(` -d ${e.ipv4}/32 `) ||
            (r.raw.includes('MASQUERADE') && r.raw.includes(` ! -o ${e.bridge} `)) || r.raw.includes('-j DOCKER-USER') ||
            r.raw === '-A DOCKER-USER -j RETURN';
          if (mine) {
            r.counters = bump(r.counters, packets);
            hit = true;
          }
        }
        if (hit && ch.builtin) ch.counters = bump(ch.counters, packets);
      }
    }
  }
  return out;
}

/** Every counter in every namespace moves a little (the lab and docs snapshots, whose rules are not Docker-shaped here). */
export function withAllCountersMoved(s: Snapshot, rnd: () => number): Snapshot {
  const out = clone(s);
  for (const ns of out.namespaces) {
    for (const rs of [ns.netfilter?.ipv4, ns.netfilter?.ipv6]) {
      for (const ch of rs?.tables.flatMap((t) => t.chains) ?? []) {
        if (ch.counters) ch.counters = bump(ch.counters, Math.floor(rnd() * 5));
        for (const r of ch.rules) if (rnd() < 0.5) r.counters = bump(r.counters, 1 + Math.floor(rnd() * 9));
      }
    }
    for (const r of ns.netfilter?.nftables?.flatMap((t) => t.chains.flatMap((c) => c.rules)) ?? []) {
      if (r.counters && rnd() < 0.5) r.counters = bump(r.counters, 3);
    }
  }
  out.host.collectedAt = new Date(Date.parse(s.host.collectedAt) + 1000).toISOString();
  out.host.collectionMs = s.host.collectionMs + 1;
  return out;
}

/** A rule inserted in the middle of the first chain with at least two rules, plus a duplicate of an existing rule. */
export function withRuleInsertedMidChain(s: Snapshot): Snapshot {
  const out = clone(s);
  const ch = out.namespaces.flatMap((n) => n.netfilter?.ipv4?.tables.flatMap((t) => t.chains) ?? []).find((c) => c.rules.length >= 2);
  if (!ch) return out;
  const [added] = parseIptablesSave(`*filter\n:${ch.name} - [0:0]\n[7:700] -A ${ch.name} -s 198.18.99.0/24 -j DROP\nCOMMIT\n`).tables[0].chains[0].rules;
  ch.rules.splice(1, 0, added, clone(ch.rules[0]));
  return out;
}

/** A container restarted: same container id, a new namespace (new inode, new sandbox), new veth ifindexes. */
export function withContainerRestarted(s: Snapshot, name: string, newInode: number): Snapshot {
  const out = clone(s);
  const c = out.docker!.containers.find((x) => x.name === name)!;
  const ns = out.namespaces.find((n) => n.id === c.namespaceId)!;
  const id = namespaceId(newInode);
  const renamed = JSON.parse(JSON.stringify(ns).replaceAll(`"${ns.id}"`, `"${id}"`)) as typeof ns;
  renamed.inode = newInode;
  renamed.name = `${newInode.toString(16).slice(-12)}`;
  out.namespaces[out.namespaces.indexOf(ns)] = renamed;
  const fix = (x: unknown) => JSON.parse(JSON.stringify(x).replaceAll(`"${ns.id}"`, `"${id}"`));
  out.namespaces = out.namespaces.map((n) => (n === renamed ? n : fix(n)));
  out.docker = fix(out.docker);
  return out;
}

/** The named changes, each from `base`; all of them form the corpus with the base. */
export function variantsOf(base: Snapshot, label: string, rnd: () => number): [string, Snapshot][] {
  const out: [string, Snapshot][] = [[label, base]];
  const add = (what: string, s: Snapshot) => out.push([`${label} ${what}`, s]);
  add('counters moved', withAllCountersMoved(base, rnd));
  add('rule inserted mid-chain', withRuleInsertedMidChain(base));
  const sysctl = clone(base);
  sysctl.host.sysctls.ipv4Forward = sysctl.host.sysctls.ipv4Forward === 1 ? 0 : 1;
  sysctl.host.sysctls.routeLocalnet = { ...sysctl.host.sysctls.routeLocalnet, docker0: 1 };
  add('sysctls changed', sysctl);
  const named = base.docker?.containers.filter((c) => c.networkMode.kind !== 'container' && c.namespaceId && c.endpoints.length) ?? [];
  if (named.length) {
    add('container restarted into a new namespace', withContainerRestarted(base, named[0].name, 4026999000 + named.length));
    const removed = clone(base);
    removeContainer(removed, named[named.length - 1].name);
    add('container removed', removed);
  }
  if (base.docker) {
    const grown = clone(base);
    const net = addNetwork(grown, 'added-net', 77);
    addContainer(grown, { name: 'added-1', n: 901, networks: [net], ports: [{ containerPort: 80, hostPort: 28080 }] });
    addContainer(grown, { name: 'added-2', n: 902, networks: [net, grown.docker!.networks[0]] });
    add('network and containers added', grown);
    const down = clone(base);
    down.docker = null;
    down.host.problems = [...down.host.problems, { source: 'docker', subject: null, severity: 'error', message: 'Docker unreachable' }];
    add('docker unreachable', down);
  }
  const iface = clone(base);
  const eth = iface.namespaces[0].interfaces.at(-1)!;
  eth.operstate = eth.operstate === 'UP' ? 'DOWN' : 'UP';
  eth.addresses = [...eth.addresses, { family: 'inet6', address: 'fd00::1', prefixlen: 64, scope: 'global' }];
  add('interface changed', iface);
  const listening = clone(base);
  listening.namespaces = listening.namespaces.map((n) => ({
    ...n,
    listeners: [{ protocol: 'udp' as const, family: 'inet' as const, address: '127.0.0.11', port: 53, inode: 4242, processes: [{ pid: 1, comm: 'dockerd' }] }],
  }));
  add('namespaces gain listeners', listening);
  // A field this version's schema does not know (a newer collector's): deltas must still carry it.
  const extended = clone(base);
  extended.namespaces = extended.namespaces.map((n) => ({ ...n, futureField: [{ port: 53 }] }) as typeof n);
  add('namespaces gain an unknown field', extended);
  const reordered = clone(base);
  reordered.namespaces = [...reordered.namespaces].reverse();
  add('namespaces reordered', reordered);
  return out;
}

/** The whole corpus: real snapshots, synthetic hosts with rules, and their variants. */
export function deltaCorpus(): [string, Snapshot][] {
  const rnd = prng(13);
  return [
    ...variantsOf(labSnapshot(), 'lab', rnd),
    ...variantsOf(docsSnapshot(), 'docs', rnd),
    ...variantsOf(ruledHost(24), 'synthetic-24', rnd),
    ...variantsOf(withTraffic(ruledHost(24), (c) => (c.ports.length ? 5 : 0)), 'synthetic-24 busy', rnd),
  ];
}
