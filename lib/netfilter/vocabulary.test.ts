import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { IptMatch, IptRule, NftTable } from '@/lib/snapshot/netfilter-schema';
import { parseSnapshot } from '@/lib/snapshot/schema';
import { condReading, iptConds } from '../sim/match';
import { nftConds } from '../sim/nft';
import { describeMatches, Namer } from './describe-match';
import { parseRulesetText } from './detect';
import { emptyContext } from './explain-context';
import { listFixtures, readFixture } from './fixtures.test-helper';
import { parseRule } from './iptables-rule';
import { notEvaluable } from './match-vocabulary';
import { parseNftStatements } from './nft-statements';
import { toIptRule } from './nft-translate';

/**
 * The explainer and the simulator read rules with one vocabulary: every match of every fixture rule is either
 * understood by both (worded, and evaluated or declared undecidable by the vocabulary) or by neither.
 */

interface Source {
  where: string;
  ipt: IptRule[];
  nft: Array<{ table: NftTable; text: string }>;
}

function fromDumps(): Source[] {
  return listFixtures()
    .filter((f) => !f.endsWith('.md'))
    .map((file) => {
      const parsed = parseRulesetText(readFixture(file));
      const ipt = (parsed.ipv4?.tables ?? []).flatMap((t) => t.chains.flatMap((c) => c.rules));
      const nft = (parsed.nft ?? []).flatMap((table) => table.chains.flatMap((c) => c.rules.map((r) => ({ table, text: r.text }))));
      return { where: file, ipt, nft };
    });
}

function fromSnapshots(): Source[] {
  const dir = new URL('../snapshot/__fixtures__/', import.meta.url);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => {
      const s = parseSnapshot(JSON.parse(readFileSync(new URL(f, dir), 'utf8')));
      return s.namespaces.map((ns) => {
        const nf = ns.netfilter;
        const ipt = [nf?.ipv4, nf?.ipv6].flatMap((rs) => rs?.tables.flatMap((t) => t.chains.flatMap((c) => c.rules)) ?? []);
        const nft = (nf?.nftables ?? []).flatMap((table) => table.chains.flatMap((c) => c.rules.map((r) => ({ table, text: r.text }))));
        return { where: `${f} ${ns.id}`, ipt, nft };
      });
    });
}

/** Rules people write by hand that the fixtures lack: aliases, open ranges, names for ICMP types. */
const HAND_WRITTEN = [
  '-A INPUT -p tcp -m multiport --dport 80,443 -j ACCEPT',
  '-A INPUT -p tcp -m multiport --destination-ports 80,8000:8010 -j ACCEPT',
  '-A INPUT -p udp -m multiport ! --sports 53,67:68 -j DROP',
  '-A INPUT -p tcp -m multiport --ports 22 -j ACCEPT',
  '-A INPUT -p tcp --destination-port 22 -j ACCEPT',
  '-A INPUT -p tcp -m tcp --dport 1024: -j DROP',
  '-A INPUT -p tcp -m tcp --sport :1023 -j DROP',
  '-A INPUT -p tcp -m tcp --dport ssh -j ACCEPT',
  '-A INPUT -p 6 --dport 22 -j ACCEPT',
  '-A INPUT -p icmp -m icmp --icmp-type destination-unreachable -j ACCEPT',
  '-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type neighbour-solicitation -j ACCEPT',
  '-A INPUT -p icmp -m icmp --icmp-type no-such-type -j ACCEPT',
  '-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED,DNAT -j ACCEPT',
  '-A INPUT -m state --state DNAT -j ACCEPT',
  '-A INPUT -m conntrack --ctstatus SEEN_REPLY -j ACCEPT',
  '-A INPUT -m conntrack --ctdir sideways -j ACCEPT',
  '-A INPUT -m policy --dir in --pol none -j ACCEPT',
  '-A INPUT -m pkttype --pkt-type broadcast -j DROP',
  '-A INPUT -m mark --mark 0x1/0xff -j ACCEPT',
  '-A INPUT -m mark --mark lots -j ACCEPT',
  '-A INPUT -p tcp -m tcp --tcp-flags SYN,RST SYN -j ACCEPT',
  '-A INPUT -p tcp -m tcp --tcp-flags SYN,BOGUS SYN -j ACCEPT',
  '-A INPUT -p tcp -m tcp --tcp-option 2 -j ACCEPT',
  '-A INPUT -m addrtype --dst-type BLACKHOLE -j DROP',
  '-A INPUT -m statistic --mode random --probability 0.5 -j DROP',
  '-A INPUT -m set --match-set blocked src -j DROP',
  '-A INPUT -m owner --uid-owner 1000 -j ACCEPT',
  '-A INPUT -p sctp -m sctp --dport 3868 -j ACCEPT',
  '-A INPUT -p sctp -m sctp --chunk-types any INIT -j ACCEPT',
  '-A INPUT -p frobnicate -j DROP',
];

const sources = [...fromDumps(), ...fromSnapshots(), { where: 'hand-written', ipt: HAND_WRITTEN.map((l) => parseRule(l)!), nft: [] }];

const bare = (over: Partial<IptRule>): IptRule => ({
  raw: '', counters: null, source: null, destination: null, inInterface: null, outInterface: null, protocol: null,
  fragment: null, matches: [], target: null, unparsed: [], ...over,
});

const explains = (r: IptRule) => describeMatches(new Namer(emptyContext()), r).unknown.length === 0;
const readings = (r: IptRule) => new Set(iptConds(r).map(condReading));
const undecidableByVocabulary = (m: IptMatch) => notEvaluable(m) !== null || m.options.some((o) => notEvaluable(m, o) !== null);

/** One line per disagreement: where, the match, and what each side made of it. */
function iptDisagreements(src: Source): string[] {
  const out: string[] = [];
  for (const rule of src.ipt) {
    const parts: Array<[string, IptRule, IptMatch | null]> = rule.matches.map((m) => [`-m ${m.module} ${m.options.map((o) => `--${o.name} ${o.args.join(' ')}`).join(' ')}`, bare({ matches: [m] }), m]);
    if (rule.protocol) parts.push([`-p ${rule.protocol.value}`, bare({ protocol: rule.protocol }), null]);
    for (const [what, single, m] of parts) {
      const explained = explains(single);
      const sim = readings(single);
      const read = !sim.has('unread');
      if (explained !== read) out.push(`${src.where}: ${rule.raw}\n    ${what}: explainer ${explained ? 'words it' : 'cannot read it'}, simulator ${read ? 'reads it' : 'cannot read it'}`);
      if (m && read && undecidableByVocabulary(m) !== sim.has('undecidable'))
        out.push(`${src.where}: ${rule.raw}\n    ${what}: the vocabulary says ${undecidableByVocabulary(m) ? 'undecidable' : 'decidable'}, the simulator does not agree`);
    }
  }
  return out;
}

function nftDisagreements(src: Source): string[] {
  const out: string[] = [];
  for (const { table, text } of src.nft) {
    const p = parseNftStatements(text);
    const explained = p.unknown.length === 0 && explains({ ...toIptRule(p, text), target: null });
    const fam = table.family === 'ip6' ? 6 : 4;
    const read = !nftConds(table, p, fam).some((c) => condReading(c) === 'unread');
    if (explained !== read) out.push(`${src.where}: [${table.family} ${table.name}] ${text}\n    explainer ${explained ? 'words it' : 'cannot read it'}, simulator ${read ? 'reads it' : 'cannot read it'}`);
  }
  return out;
}

describe('one vocabulary for the explainer and the simulator', () => {
  it('finds the fixtures: dumps, lab snapshot and hand-written rules, iptables and nftables', () => {
    expect(sources.filter((s) => s.where !== 'hand-written' && !s.where.endsWith('.json') && !s.where.includes('.json ')).length).toBeGreaterThan(40);
    expect(sources.reduce((n, s) => n + s.ipt.length, 0)).toBeGreaterThan(1000);
    expect(sources.reduce((n, s) => n + s.nft.length, 0)).toBeGreaterThan(50);
    expect(sources.some((s) => s.where.startsWith('lab-snapshot.json') && s.ipt.length > 0)).toBe(true);
  });

  it.each(sources.map((s) => [s.where, s] as const))('iptables matches of %s', (_where, src) => {
    const bad = iptDisagreements(src);
    expect(bad, bad.join('\n')).toEqual([]);
  });

  it.each(sources.filter((s) => s.nft.length > 0).map((s) => [s.where, s] as const))('nftables rules of %s', (_where, src) => {
    const bad = nftDisagreements(src);
    expect(bad, bad.join('\n')).toEqual([]);
  });

  it('words and evaluates -m multiport --dport 80,443 (the alias getopt accepts)', () => {
    const r = parseRule('-A INPUT -p tcp -m multiport --dport 80,443 -j ACCEPT')!;
    expect(describeMatches(new Namer(emptyContext()), r)).toMatchObject({ subject: 'TCP connections', phrases: ['to ports 80 and 443'], unknown: [] });
    expect([...readings(r)]).toEqual(['evaluated']);
  });

  it('has both sides agree on what no snapshot can decide, and the simulator says why', () => {
    const r = parseRule('-A INPUT -m statistic --mode random --probability 0.5 -j DROP')!;
    expect(explains(r)).toBe(true);
    const conds = iptConds(r);
    expect(conds.map(condReading)).toEqual(['undecidable']);
    expect(String(conds[0]({} as never))).toContain(notEvaluable(r.matches[0])!);
  });
});
