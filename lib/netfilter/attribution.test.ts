import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSnapshot } from '../snapshot/schema';
import { attributeIptables, factsOf, iptRuleConcerns, iptRuleCouldCarry, type Subject } from './attribution';
import { parseIptablesSave } from './iptables-parse';
import { iptablesTraversal } from './traversal';

const snap = parseSnapshot(JSON.parse(readFileSync(new URL('../snapshot/__fixtures__/lab-snapshot.json', import.meta.url), 'utf8')));
const host = snap.namespaces.find((n) => n.kind === 'host')!;
const rs = host.netfilter!.ipv4!;
const container = (name: string) => snap.docker!.containers.find((c) => c.name === name)!;
const forSubject = (subject: Subject) => {
  const f = factsOf(snap, subject);
  return attributeIptables(rs, (r) => iptRuleConcerns(r, f), false, (r) => iptRuleCouldCarry(r, f));
};
const flat = (chains: ReturnType<typeof attributeIptables>) => chains.flatMap((c) => c.rules.map((r) => ({ chain: `${c.table}/${c.chain}`, raw: r.rule.raw, reasons: r.reasons, leads: r.leadsThere })));

describe('traversal order', () => {
  it('visits hooks in packet order and user chains where the first jump leads', () => {
    const order = iptablesTraversal(rs).map((v) => `${v.table}/${v.chain}`);
    expect(order.indexOf('nat/PREROUTING')).toBeLessThan(order.indexOf('nat/DOCKER'));
    expect(order.indexOf('nat/DOCKER')).toBeLessThan(order.indexOf('filter/FORWARD'));
    expect(order.slice(order.indexOf('filter/FORWARD'), order.indexOf('filter/FORWARD') + 5)).toEqual([
      'filter/FORWARD', 'filter/DOCKER-USER', 'filter/DOCKER-ISOLATION-STAGE-1', 'filter/DOCKER-ISOLATION-STAGE-2', 'filter/DOCKER',
    ]);
    expect(order.at(-1)).toBe('nat/POSTROUTING');
    // nat DOCKER is reached from PREROUTING first; it is listed once.
    expect(order.filter((x) => x === 'nat/DOCKER')).toHaveLength(1);
  });

  it('follows Docker 28.3 chains: FORWARD → DOCKER-USER → DOCKER-FORWARD → DOCKER-CT, ISOLATION, DOCKER-BRIDGE → DOCKER', () => {
    const text = readFileSync(new URL('../../../shared/fixtures/netfilter/moby-docs/docker-v28.3.0_iptablesdoc_usernet-portmap.iptables-S.txt', import.meta.url), 'utf8');
    const order = iptablesTraversal(parseIptablesSave(text)).filter((v) => v.table === 'filter' && v.hook === 'FORWARD').map((v) => `${'  '.repeat(v.depth)}${v.chain}`);
    expect(order).toEqual([
      'FORWARD', '  DOCKER-USER', '  DOCKER-FORWARD', '    DOCKER-CT', '    DOCKER-ISOLATION-STAGE-1', '      DOCKER-ISOLATION-STAGE-2', '    DOCKER-BRIDGE', '      DOCKER',
    ]);
  });
});

describe('attribution', () => {
  it("lab-web: its DNATs, its ACCEPT, its bridge's rules, and the jumps that lead to them", () => {
    const rules = flat(forSubject({ type: 'container', containerId: container('lab-web').id }));
    const raws = rules.map((r) => r.raw);
    expect(raws).toContain('-A DOCKER ! -i docker0 -p tcp -m tcp --dport 18080 -j DNAT --to-destination 198.18.0.2:80');
    expect(raws).toContain('-A DOCKER -d 127.0.0.1/32 ! -i docker0 -p tcp -m tcp --dport 18081 -j DNAT --to-destination 198.18.0.2:80');
    expect(raws).toContain('-A DOCKER -d 198.18.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT');
    expect(raws).toContain('-A POSTROUTING -s 198.18.0.0/24 ! -o docker0 -j MASQUERADE');
    expect(raws).toContain('-A POSTROUTING -s 198.18.0.2/32 -d 198.18.0.2/32 -p tcp -m tcp --dport 80 -j MASQUERADE');
    // The jump from PREROUTING to DOCKER is on the way, not about lab-web itself.
    const jump = rules.find((r) => r.raw === '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER')!;
    expect(jump).toMatchObject({ reasons: [], leads: true });
    // Other bridges' rules are not lab-web's business.
    expect(raws.some((r) => r.includes('br-7bb242862bae') && !r.includes('docker0'))).toBe(false);
    // Order: nat PREROUTING before filter FORWARD before nat POSTROUTING.
    const chains = [...new Set(rules.map((r) => r.chain))];
    expect(chains.indexOf('nat/PREROUTING')).toBeLessThan(chains.indexOf('filter/FORWARD'));
    expect(chains.indexOf('filter/FORWARD')).toBeLessThan(chains.indexOf('nat/POSTROUTING'));
  });

  it('a published port: only the DNAT for that port (and the way there)', () => {
    const web = container('lab-web');
    const rules = flat(attributeIptables(rs, (r) => iptRuleConcerns(r, { ...factsOf(snap, { type: 'port', containerId: web.id, hostIp: '127.0.0.1', hostPort: 18081, protocol: 'tcp' }), ips: [] })));
    const dnats = rules.filter((r) => r.raw.includes('DNAT'));
    expect(dnats.map((r) => r.raw)).toEqual(['-A DOCKER -d 127.0.0.1/32 ! -i docker0 -p tcp -m tcp --dport 18081 -j DNAT --to-destination 198.18.0.2:80']);
  });

  it("a bridge: rules naming it or its subnet, none of another bridge's", () => {
    const a = snap.docker!.networks.find((n) => n.name === 'netatlas-lab-a')!;
    const rules = flat(forSubject({ type: 'bridge', name: a.bridge! }));
    expect(rules.filter((r) => r.reasons.length).every((r) => r.raw.includes(a.bridge!) || r.raw.includes(a.subnets[0].subnet))).toBe(true);
    // FORWARD ×4 (established, -j DOCKER, outgoing, icc), ISOLATION-1, ISOLATION-2, MASQUERADE, nat DOCKER RETURN.
    expect(rules.filter((r) => r.reasons.length).length).toBe(8);
  });

  it("the full view keeps every chain and rule", () => {
    const all = attributeIptables(rs, () => [], true);
    expect(all.reduce((n, c) => n + c.rules.length, 0)).toBe(rs.tables.reduce((n, t) => n + t.chains.reduce((m, c) => m + c.rules.length, 0), 0));
  });
});
