/**
 * Packet-path simulator timings: `npx tsx lib/sim/trace.bench.ts`. Prints ms per trace on the lab snapshot and on a
 * big ruleset (the lab host plus kube-proxy's test ruleset, grown to ~10k rules that every trace walks through).
 * Numbers only; nothing here asserts a timing.
 */
import { readFileSync } from 'node:fs';
import { parseIptablesSave } from '../netfilter/iptables-parse';
import { parseRule } from '../netfilter/iptables-rule';
import { parseSnapshot, type IptChain, type IptRule, type Snapshot } from '../snapshot/schema';
import { prepare } from './prepare';
import { tracePath } from './trace';
import type { Endpoint, TraceQuery } from './types';

const here = (rel: string) => new URL(rel, import.meta.url);
const lab = (): Snapshot => parseSnapshot(JSON.parse(readFileSync(here('../snapshot/__fixtures__/lab-snapshot.json'), 'utf8')));
const rule = (line: string) => parseRule(line) as IptRule;

/** The lab host with kube-proxy's chains merged in, hooked up, and padded with `services` extra service rules per table. */
function bigSnapshot(services: number): { s: Snapshot; rules: number } {
  const s = lab();
  const host = s.namespaces.find((n) => n.kind === 'host')!;
  const kube = parseIptablesSave(readFileSync(here('../../../shared/fixtures/netfilter/stress/kube-proxy_TestOverallIPTablesRules_expected.iptables-restore'), 'utf8'));
  const tables = host.netfilter!.ipv4!.tables;
  for (const kt of kube.tables) {
    const t = tables.find((x) => x.name === kt.name)!;
    for (const kc of kt.chains) {
      const have = t.chains.find((c) => c.name === kc.name);
      if (have) have.rules.push(...kc.rules);
      else t.chains.push({ ...kc, builtin: false, policy: null });
    }
  }
  const chain = (table: string, name: string): IptChain => tables.find((t) => t.name === table)!.chains.find((c) => c.name === name)!;
  const hook = (table: string, name: string, line: string) => chain(table, name).rules.unshift(rule(line));
  hook('nat', 'PREROUTING', '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES');
  hook('nat', 'OUTPUT', '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES');
  hook('nat', 'POSTROUTING', '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING');
  hook('filter', 'FORWARD', '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES');
  hook('filter', 'FORWARD', '-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD');
  hook('filter', 'OUTPUT', '-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES');
  hook('filter', 'INPUT', '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES');
  // Services nobody in these traces talks to: every trace reads past all of them.
  const natServices = chain('nat', 'KUBE-SERVICES');
  const filterServices = chain('filter', 'KUBE-SERVICES');
  const extra: IptRule[] = [];
  const rejects: IptRule[] = [];
  for (let i = 0; i < services; i++) {
    const ip = `172.31.${(i >> 8) & 255}.${i & 255}`;
    extra.push(rule(`-A KUBE-SERVICES -m comment --comment "ns${i}/svc${i}:p80 cluster IP" -m tcp -p tcp -d ${ip} --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O`));
    rejects.push(rule(`-A KUBE-SERVICES -m comment --comment "ns${i}/svc${i}:p80 has no endpoints" -m tcp -p tcp -d ${ip} --dport 8080 -j REJECT --reject-with icmp-port-unreachable`));
  }
  natServices.rules.splice(natServices.rules.length - 1, 0, ...extra); // before the NODEPORTS rule, which must stay last
  filterServices.rules.push(...rejects);
  const rules = tables.reduce((n, t) => n + t.chains.reduce((m, c) => m + c.rules.length, 0), 0);
  return { s, rules };
}

function time(label: string, s: Snapshot, queries: Array<[string, TraceQuery]>, iterations: number): void {
  const t0 = performance.now();
  prepare(s);
  const t1 = performance.now();
  tracePath(s, queries[0][1]);
  const t2 = performance.now();
  console.log(
    `${label}: prepare ${(t1 - t0).toFixed(1)} ms (once per snapshot), first trace ${(t2 - t1).toFixed(1)} ms (compiles the chains it walks)`,
  );
  for (const [name, q] of queries) {
    for (let i = 0; i < 3; i++) tracePath(s, q); // warm up
    const start = performance.now();
    let r = tracePath(s, q);
    for (let i = 1; i < iterations; i++) r = tracePath(s, q);
    const ms = (performance.now() - start) / iterations;
    const o = r.outcome;
    const what = o.result === 'delivered' ? `delivered, seen from ${o.seenSource}` : `${o.result}${'chain' in o ? ` (${o.table} ${o.chain})` : ''}`;
    console.log(`  ${ms.toFixed(3).padStart(8)} ms/trace  ${name.padEnd(44)} ${what}, ${r.steps.length} steps`);
  }
}

function queries(s: Snapshot): Array<[string, TraceQuery]> {
  const id = (name: string): Endpoint => ({ kind: 'container', containerId: s.docker!.containers.find((c) => c.name === name)!.id });
  const to = (ip: string, port: number) => ({ kind: 'ip' as const, ip, port });
  const outside: Endpoint = { kind: 'outside', ip: '198.19.255.2', iface: 'na-demo-h' };
  return [
    ['lab-web → lab-api (isolation)', { from: id('lab-web'), to: to('198.18.1.2', 80), protocol: 'tcp' }],
    ['lab-api → lab-db (bridged)', { from: id('lab-api'), to: to('198.18.1.3', 80), protocol: 'tcp' }],
    ['host → 127.0.0.1:18081 (docker-proxy)', { from: { kind: 'host' }, to: to('127.0.0.1', 18081), protocol: 'tcp' }],
    ['host → 198.19.255.1:18080 (DNAT in OUTPUT)', { from: { kind: 'host' }, to: to('198.19.255.1', 18080), protocol: 'tcp' }],
    ['outside → 198.19.255.1:18080 (DNAT)', { from: outside, to: to('198.19.255.1', 18080), protocol: 'tcp' }],
    ['outside → lab-db (FORWARD policy)', { from: outside, to: to('198.18.1.3', 80), protocol: 'tcp' }],
    ['lab-db → 198.19.255.2 (masquerade)', { from: id('lab-db'), to: to('198.19.255.2', 80), protocol: 'tcp' }],
    ['host → 172.30.0.44:80 (kube service, random)', { from: { kind: 'host' }, to: to('172.30.0.44', 80), protocol: 'tcp' }],
  ];
}

const small = lab();
time('lab snapshot', small, queries(small).slice(0, 7), 200);
const big = bigSnapshot(5000);
time(`lab + kube-proxy, ${big.rules} iptables rules in the host`, big.s, queries(big.s), 20);
