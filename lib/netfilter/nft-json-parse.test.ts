import { describe, expect, it } from 'vitest';
import { NftTable } from '@/lib/snapshot/netfilter-schema';
import { isIptablesNftTable, parseNftJson } from './nft-json-parse';
import { renderStatement } from './nft-json-render';

/** Shaped like `nft -j list ruleset` on a Docker 29 host (trimmed). */
const sample = {
  nftables: [
    { metainfo: { version: '1.0.9', release_name: 'Old Doc Yak #3', json_schema_version: 1 } },
    { table: { family: 'ip', name: 'docker-bridges', handle: 12 } },
    { chain: { family: 'ip', table: 'docker-bridges', name: 'filter-FORWARD', handle: 1, type: 'filter', hook: 'forward', prio: 0, policy: 'accept' } },
    { chain: { family: 'ip', table: 'docker-bridges', name: 'nat-PREROUTING', handle: 2, type: 'nat', hook: 'prerouting', prio: -100, policy: 'accept' } },
    { chain: { family: 'ip', table: 'docker-bridges', name: 'nat-prerouting-and-output', handle: 3 } },
    { chain: { family: 'ip', table: 'docker-bridges', name: 'filter-forward-in__bridge1', handle: 4 } },
    {
      map: {
        family: 'ip', name: 'filter-forward-in-jumps', table: 'docker-bridges', type: 'ifname', handle: 5, map: 'verdict',
        elem: [['docker0', { jump: { target: 'filter-forward-in__docker0' } }], ['bridge1', { jump: { target: 'filter-forward-in__bridge1' } }]],
      },
    },
    { set: { family: 'ip', name: 'published', table: 'docker-bridges', type: ['ipv4_addr', 'inet_service'], handle: 6, elem: [{ concat: ['192.0.2.2', 80] }] } },
    {
      rule: {
        family: 'ip', table: 'docker-bridges', chain: 'filter-FORWARD', handle: 7,
        expr: [{ vmap: { key: { meta: { key: 'oifname' } }, data: '@filter-forward-in-jumps' } }],
      },
    },
    {
      rule: {
        family: 'ip', table: 'docker-bridges', chain: 'filter-forward-in__bridge1', handle: 8,
        expr: [
          { match: { op: 'in', left: { ct: { key: 'state' } }, right: ['established', 'related'] } },
          { counter: { packets: 42, bytes: 5040 } },
          { accept: null },
        ],
      },
    },
    {
      rule: {
        family: 'ip', table: 'docker-bridges', chain: 'filter-forward-in__bridge1', handle: 9, comment: 'ICC',
        expr: [{ match: { op: '==', left: { meta: { key: 'iifname' } }, right: 'bridge1' } }, { counter: { packets: 0, bytes: 0 } }, { accept: null }],
      },
    },
    {
      rule: {
        family: 'ip', table: 'docker-bridges', chain: 'nat-PREROUTING', handle: 10,
        expr: [
          { match: { op: '==', left: { fib: { result: 'type', flags: ['daddr'] } }, right: 'local' } },
          { counter: { packets: 3, bytes: 180 } },
          { jump: { target: 'nat-prerouting-and-output' } },
        ],
      },
    },
    {
      rule: {
        family: 'ip', table: 'docker-bridges', chain: 'nat-prerouting-and-output', handle: 11, comment: 'DNAT',
        expr: [
          { match: { op: '!=', left: { meta: { key: 'iifname' } }, right: 'bridge1' } },
          { match: { op: '==', left: { payload: { protocol: 'tcp', field: 'dport' } }, right: 8080 } },
          { counter: { packets: 1, bytes: 60 } },
          { dnat: { addr: '192.0.2.2', port: 80 } },
        ],
      },
    },
    {
      rule: {
        family: 'ip', table: 'docker-bridges', chain: 'nat-prerouting-and-output', handle: 13,
        expr: [{ match: { op: '==', left: { payload: { protocol: 'ip', field: 'daddr' } }, right: { prefix: { addr: '10.0.0.0', len: 8 } } } }, { 'tcp option': { name: 'maxseg' } }, { drop: null }],
      },
    },
  ],
};

describe('parseNftJson', () => {
  const { tables } = parseNftJson(sample);
  const chain = (name: string) => tables[0].chains.find((c) => c.name === name)!;

  it('builds tables and chains with hooks and numeric priorities', () => {
    expect(tables).toHaveLength(1);
    expect(NftTable.parse(tables[0])).toEqual(tables[0]);
    expect(tables[0]).toMatchObject({ family: 'ip', name: 'docker-bridges' });
    expect(chain('nat-PREROUTING')).toMatchObject({ type: 'nat', hook: 'prerouting', priority: -100, policy: 'accept' });
    expect(chain('nat-prerouting-and-output')).toMatchObject({ type: null, hook: null, priority: null, policy: null });
  });

  it('reads a match + counter + accept rule', () => {
    expect(chain('filter-forward-in__bridge1').rules[0]).toEqual({
      text: 'ct state established,related counter packets 42 bytes 5040 accept',
      handle: 8,
      counters: { packets: 42, bytes: 5040 },
      comment: null,
      expr: sample.nftables[9].rule!.expr,
    });
    expect(chain('filter-forward-in__bridge1').rules[1]).toMatchObject({
      text: 'iifname "bridge1" counter packets 0 bytes 0 accept comment "ICC"',
      comment: 'ICC',
      handle: 9,
    });
  });

  it('renders dnat, fib, jump and vmap rules in nft syntax', () => {
    expect(chain('nat-prerouting-and-output').rules[0]).toMatchObject({
      text: 'iifname != "bridge1" tcp dport 8080 counter packets 1 bytes 60 dnat to 192.0.2.2:80 comment "DNAT"',
      counters: { packets: 1, bytes: 60 },
    });
    expect(chain('nat-PREROUTING').rules[0].text).toBe('fib daddr type local counter packets 3 bytes 180 jump nat-prerouting-and-output');
    expect(chain('filter-FORWARD').rules[0]).toMatchObject({ text: 'oifname vmap @filter-forward-in-jumps', counters: null, handle: 7 });
  });

  it('flags what it cannot render instead of guessing', () => {
    expect(chain('nat-prerouting-and-output').rules[1].text).toBe('ip daddr 10.0.0.0/8 <unrendered: tcp option> drop');
  });

  it('reads maps and sets with their elements', () => {
    expect(tables[0].sets).toEqual([
      {
        name: 'filter-forward-in-jumps', kind: 'map', type: 'ifname : verdict',
        elements: ['"docker0" : jump filter-forward-in__docker0', '"bridge1" : jump filter-forward-in__bridge1'],
      },
      { name: 'published', kind: 'set', type: 'ipv4_addr . inet_service', elements: ['192.0.2.2 . 80'] },
    ]);
  });

  it('accepts the JSON as text and ignores anything that is not an nftables document', () => {
    expect(parseNftJson(JSON.stringify(sample)).tables).toEqual(tables);
    expect(parseNftJson({ foo: 1 })).toEqual({ tables: [] });
    expect(parseNftJson(null)).toEqual({ tables: [] });
  });
});

describe('renderStatement', () => {
  it('renders nat, reject, log, limit, mangle and xt statements', () => {
    expect(renderStatement({ masquerade: null })).toBe('masquerade');
    expect(renderStatement({ snat: { addr: '203.0.113.1' } })).toBe('snat to 203.0.113.1');
    expect(renderStatement({ dnat: { family: 'ip6', addr: '2001:db8::2', port: 80 } })).toBe('dnat ip6 to [2001:db8::2]:80');
    expect(renderStatement({ reject: { type: 'icmp', expr: 'port-unreachable' } })).toBe('reject with icmp port-unreachable');
    expect(renderStatement({ log: { prefix: 'DROP: ' } })).toBe('log prefix "DROP: "');
    expect(renderStatement({ limit: { rate: 10, per: 'second' } })).toBe('limit rate 10/second');
    expect(renderStatement({ mangle: { key: { meta: { key: 'mark' } }, value: 16384 } })).toBe('meta mark set 16384');
    expect(renderStatement({ xt: { type: 'match', name: 'addrtype' } })).toBe('xt match addrtype');
    expect(renderStatement({ goto: { target: 'x' } })).toBe('goto x');
    expect(renderStatement({ match: { op: '==', left: { meta: { key: 'l4proto' } }, right: { set: ['tcp', 'udp'] } } })).toBe('meta l4proto { tcp, udp }');
    expect(renderStatement({ synproxy: {} })).toBe('<unrendered: synproxy>');
  });
});

describe('isIptablesNftTable', () => {
  it('recognises iptables-nft table names in ip/ip6 only', () => {
    expect(isIptablesNftTable('ip', 'filter')).toBe(true);
    expect(isIptablesNftTable('ip6', 'nat')).toBe(true);
    expect(isIptablesNftTable('ip', 'security')).toBe(true);
    expect(isIptablesNftTable('ip', 'docker-bridges')).toBe(false);
    expect(isIptablesNftTable('inet', 'filter')).toBe(false);
  });

  it('recognises any table whose rules use xt expressions', () => {
    const withXt = parseNftJson({
      nftables: [{ rule: { family: 'inet', table: 'custom', chain: 'c', handle: 1, expr: [{ xt: { type: 'match', name: 'addrtype' } }, { accept: null }] } }],
    }).tables[0];
    expect(isIptablesNftTable('inet', 'custom', withXt)).toBe(true);
    const plain = parseNftJson(sample).tables[0];
    expect(isIptablesNftTable('ip', 'docker-bridges', plain)).toBe(false);
  });
});
