import { describe, expect, it } from 'vitest';
import { cidrContains, splitEndpoint } from '../net/cidr';
import { parseRule } from '../netfilter/iptables-rule';
import { hostNs, insertRules, labSnapshot } from '../sim/fixtures.test-helper';
import { tracePath } from '../sim/trace';
import { isRuleOutcome, type Endpoint, type Outcome, type Target } from '../sim/types';
import type { IptRule, Snapshot } from '../snapshot/schema';
import { parseSnapshot } from '../snapshot/schema';
import { AddressPseudonyms } from './pseudonym';
import { describeRedaction, parseRedactionList, redactSnapshot, REDACTION_OPTIONS } from './redact';
import { sha256, toHex } from './sha256';

const KEY = 'test-key';
const ALL = new Set(REDACTION_OPTIONS);
const NONE = new Set<never>();
const ips = new AddressPseudonyms(KEY);

describe('allowlist', () => {
  it('with no option, a valid snapshot comes back as it was', () => {
    const lab = labSnapshot();
    expect(redactSnapshot(lab, NONE, KEY)).toEqual(lab);
  });

  it('fields the schema does not know are dropped, at every level', () => {
    const lab = labSnapshot() as unknown as Record<string, any>;
    lab.secret = 'top';
    lab.host.token = 'abc';
    lab.docker.containers[0].env = ['PASSWORD=x'];
    lab.docker.containers[0].endpoints[0].note = 'leak';
    lab.namespaces[0].interfaces[0].alias = 'leak';
    lab.namespaces[0].netfilter.ipv4.tables[0].chains[1].rules[0].extra = 'leak';
    for (const options of [NONE, ALL]) {
      const text = JSON.stringify(redactSnapshot(lab as Snapshot, options, KEY));
      for (const leak of ['"secret"', '"token"', 'PASSWORD', '"note"', '"alias"', '"extra"']) expect(text).not.toContain(leak);
    }
  });

  it('the redacted snapshot is still a valid snapshot', () => {
    expect(() => parseSnapshot(JSON.parse(JSON.stringify(redactSnapshot(labSnapshot(), ALL, KEY))))).not.toThrow();
  });
});

describe('what leaves with every option on', () => {
  const lab = labSnapshot();
  const red = redactSnapshot(lab, ALL, KEY);
  const text = JSON.stringify(red);

  it('no container, image, network or netns name, host name or MAC of the original', () => {
    const originals = [
      ...lab.docker!.containers.flatMap((c) => [c.name, c.image]),
      ...lab.docker!.networks.map((n) => n.name).filter((n) => !['bridge', 'host', 'none'].includes(n)),
      ...lab.namespaces.filter((n) => n.kind === 'named').map((n) => n.name!),
      ...lab.namespaces.flatMap((n) => n.interfaces.map((i) => i.mac)).filter((m): m is string => !!m && m !== '00:00:00:00:00:00'),
    ];
    expect(originals.length).toBeGreaterThan(10);
    for (const o of originals) expect(text, o).not.toContain(`"${o}"`);
    expect(red.host.hostname).toBe('host');
    expect(red.docker!.containers.map((c) => c.name)).toEqual(lab.docker!.containers.map((_, i) => `container-${i + 1}`));
  });

  it('no global address of the original, in fields or rule text; loopback stays', () => {
    const addrs = new Set(lab.namespaces.flatMap((n) => n.interfaces.flatMap((i) => i.addresses.filter((a) => a.scope === 'global').map((a) => a.address))));
    expect(addrs.size).toBeGreaterThan(5);
    for (const a of addrs) expect(text, a).not.toMatch(new RegExp(`[^0-9.:]${a.replace(/\./g, '\\.')}[^0-9]`));
    expect(text).toContain('"127.0.0.1"');
  });

  it('pseudonyms are consistent: an endpoint, its interface, its rules and its subnet agree', () => {
    const web = lab.docker!.containers.find((c) => c.name === 'lab-web')!;
    const redWeb = red.docker!.containers.find((c) => c.id === web.id)!;
    const ep = redWeb.endpoints[0];
    expect(ep.ipv4).toBe(ips.address(web.endpoints[0].ipv4!));
    const ifc = red.namespaces.find((n) => n.id === redWeb.namespaceId)!.interfaces.find((i) => i.name === 'eth0')!;
    expect(ifc.addresses.find((a) => a.family === 'inet')!.address).toBe(ep.ipv4);
    expect(ifc.mac).toBe(ep.mac);
    const net = red.docker!.networks.find((n) => n.id === ep.networkId)!;
    expect(cidrContains(net.subnets[0].subnet, ep.ipv4!)).toBe(true);
    expect(ep.networkName).toBe(net.name);
    // Rules that named lab-web's address now name its pseudonym, in the text and the parsed fields alike.
    const rules = red.namespaces.flatMap((n) => n.netfilter?.ipv4?.tables.flatMap((t) => t.chains.flatMap((c) => c.rules)) ?? []);
    const naming = rules.filter((r) => r.raw.includes(ep.ipv4!));
    expect(naming.length).toBeGreaterThan(0);
    for (const r of naming) expect(r).toEqual({ ...parseRule(r.raw)!, counters: r.counters });
  });

  it('prefixes are preserved, private stays private, host bits stay', () => {
    const a = ips.address('172.18.5.7');
    const b = ips.address('172.18.9.7');
    expect(cidrContains('172.16.0.0/12', a)).toBe(true);
    expect(ips.prefix('172.18.0.0/16')).toBe(`${a.split('.').slice(0, 2).join('.')}.0.0/16`);
    expect(cidrContains(ips.prefix('172.18.0.0/16'), b)).toBe(true);
    expect(a.endsWith('.7')).toBe(true);
    expect(cidrContains('10.0.0.0/8', ips.address('10.1.2.3'))).toBe(true);
    expect(ips.address('8.8.8.8')).not.toBe('8.8.8.8');
    for (const pub of ['8.8.8.8', '1.1.1.1', '93.184.216.34']) {
      const p = ips.address(pub);
      for (const priv of ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8', '224.0.0.0/4']) expect(cidrContains(priv, p), `${pub} → ${p}`).toBe(false);
    }
    expect(ips.address('0.0.0.0')).toBe('0.0.0.0');
    expect(ips.address('::1')).toBe('::1');
    expect(cidrContains('fd00::/8', ips.address('fd00:1::2'))).toBe(true);
    expect(ips.value('172.18.5.7:80')).toBe(`${a}:80`);
    expect(ips.value('172.18.5.7-172.18.9.7')).toBe(`${a}-${b}`);
    expect(ips.value('[fd00::2]:80')).toBe(`[${ips.address('fd00::2')}]:80`);
    expect(ips.inText('ip daddr 172.18.5.7 tcp dport 80 dnat to 172.18.9.7:80 oifname "br-0a1b2c3d4e5f"')).toBe(
      `ip daddr ${a} tcp dport 80 dnat to ${b}:80 oifname "br-0a1b2c3d4e5f"`,
    );
    // A different key, different pseudonyms: two exports cannot be joined.
    expect(new AddressPseudonyms('other').address('172.18.5.7')).not.toBe(a);
  });

  it('rule comments go; addresses inside a kept comment are still rewritten', () => {
    const s = labSnapshot();
    insertRules(s, ['-A FORWARD -s 172.18.5.7/32 -m comment --comment "ticket 42: allow 172.18.5.7" -j ACCEPT']);
    const first = (x: Snapshot): IptRule => hostNs(x).netfilter!.ipv4!.tables.find((t) => t.name === 'filter')!.chains.find((c) => c.name === 'FORWARD')!.rules[0];
    const dropped = first(redactSnapshot(s, new Set(['comments', 'addresses']), KEY));
    expect(dropped.raw).toBe(`-A FORWARD -s ${ips.address('172.18.5.7')}/32 -m comment --comment redacted -j ACCEPT`);
    expect(dropped.matches[0].options[0].args).toEqual(['redacted']);
    const kept = first(redactSnapshot(s, new Set(['addresses']), KEY));
    expect(kept.matches[0].options[0].args).toEqual([`ticket 42: allow ${ips.address('172.18.5.7')}`]);
  });

  it('a rule whose text cannot be parsed again after rewriting is withheld, not sent as it was', () => {
    const s = labSnapshot();
    const forward = hostNs(s).netfilter!.ipv4!.tables.find((t) => t.name === 'filter')!.chains.find((c) => c.name === 'FORWARD')!;
    forward.rules.unshift({ ...forward.rules[0], raw: 'not a rule line 172.18.5.7', source: { value: '172.18.5.7', negated: false } });
    const out = hostNs(redactSnapshot(s, new Set(['addresses']), KEY)).netfilter!.ipv4!.tables.find((t) => t.name === 'filter')!.chains.find((c) => c.name === 'FORWARD')!.rules[0];
    expect(out.raw).toBe('(rule withheld: it could not be redacted)');
    expect(JSON.stringify(out)).not.toContain('172.18.5.7');
  });

  it('describeRedaction says what each option removes and what is kept', () => {
    const some = describeRedaction(new Set(['addresses']));
    expect(some.filter((l) => l.startsWith('redacted:'))).toHaveLength(1);
    expect(some.filter((l) => l.startsWith('kept:'))).toHaveLength(REDACTION_OPTIONS.length - 1);
    expect(describeRedaction(ALL).filter((l) => l.startsWith('redacted:'))).toHaveLength(REDACTION_OPTIONS.length);
    expect(parseRedactionList('addresses, macs,bogus')).toEqual({ options: new Set(['addresses', 'macs']), unknown: ['bogus'] });
    expect(parseRedactionList('all').options).toEqual(ALL);
  });
});

describe('the packet-path simulator agrees on the redacted lab', () => {
  const lab = labSnapshot();
  const red = redactSnapshot(lab, ALL, KEY);
  const outside = { ip: '198.19.255.2', iface: 'na-demo-h' };
  const sources: Endpoint[] = [
    ...lab.docker!.containers.filter((c) => c.namespaceId).map((c): Endpoint => ({ kind: 'container', containerId: c.id })),
    { kind: 'host' },
    ...lab.namespaces.filter((n) => n.kind === 'named').map((n): Endpoint => ({ kind: 'namespace', namespaceId: n.id })),
    { kind: 'outside', ...outside },
  ];
  const hostAddrs = hostNs(lab).interfaces.flatMap((i) => i.addresses.filter((a) => a.family === 'inet').map((a) => a.address));
  const targets: Target[] = [
    ...lab.docker!.containers.filter((c) => c.endpoints.some((e) => e.ipv4)).map((c): Target => ({ kind: 'container', containerId: c.id, port: 80 })),
    ...lab.docker!.containers.flatMap((c) => c.endpoints.map((e) => e.ipv4).filter((x): x is string => !!x)).map((ip): Target => ({ kind: 'ip', ip, port: 80 })),
    ...hostAddrs.flatMap((ip) => [18080, 80].map((port): Target => ({ kind: 'ip', ip, port }))),
  ];
  const mapTarget = (t: Target): Target => (t.kind === 'ip' ? { ...t, ip: ips.address(t.ip) } : t);
  const mapSource = (e: Endpoint): Endpoint => (e.kind === 'outside' ? { ...e, ip: ips.address(e.ip) } : e);
  // What must not change: the verdict, where it happens (namespace, chain, rule index) and who receives it from whom.
  const essence = (o: Outcome, map: (a: string) => string) => {
    if (o.result === 'delivered') return { result: o.result, ns: o.namespaceId, to: o.containerIds, seen: map(o.seenSource), dest: map(splitEndpoint(o.seenDestination).address) };
    if (isRuleOutcome(o)) return { result: o.result, ns: o.namespaceId, chain: o.chain, index: o.index };
    if (o.result === 'dropped') return { result: o.result, ns: o.namespaceId, cause: o.cause };
    return { result: o.result, ns: o.namespaceId };
  };

  it(`every source × target pair (${sources.length} × ${targets.length})`, () => {
    const results: string[] = [];
    for (const from of sources) {
      for (const to of targets) {
        const a = tracePath(lab, { from, to, protocol: 'tcp' }).outcome;
        const b = tracePath(red, { from: mapSource(from), to: mapTarget(to), protocol: 'tcp' }).outcome;
        expect(essence(b, (x) => x), JSON.stringify({ from, to })).toEqual(essence(a, (x) => ips.address(x)));
        results.push(a.result);
      }
    }
    // The matrix exercises more than one outcome, or it proves little.
    expect(new Set(results).size).toBeGreaterThan(1);
  });
});

describe('sha256', () => {
  it('matches the reference digests (node:crypto)', async () => {
    const { createHash } = await import('node:crypto');
    for (const m of ['', 'abc', 'x'.repeat(55), 'x'.repeat(56), 'x'.repeat(64), 'é'.repeat(100)]) {
      expect(toHex(sha256(m))).toBe(createHash('sha256').update(m).digest('hex'));
    }
  });
});
