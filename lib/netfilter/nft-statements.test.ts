import { describe, expect, it } from 'vitest';
import type { NftTable } from '../snapshot/netfilter-schema';
import { nftJumpTargets, parseNftStatements, parseVmapElement } from './nft-statements';

describe('parseNftStatements', () => {
  it('reads conditions, counters, comments and verdicts', () => {
    const p = parseNftStatements('iifname != "bridge1" ip6 saddr != fe80::/10 ip6 daddr ::1 tcp dport 8080 counter packets 0 bytes 0 dnat to [fd49::1]:80 comment "DNAT"');
    expect(p.unknown).toEqual([]);
    expect([...p.keys].sort()).toEqual(['!iif', '!saddr', 'daddr', 'dport']);
    expect(p.iif).toEqual({ value: 'bridge1', negated: true });
    expect(p.dport).toEqual({ spec: '8080', negated: false });
    expect(p.verdict).toEqual({ kind: 'dnat', arg: '[fd49::1]:80' });
    expect(p.comment).toBe('DNAT');
  });

  it('collects what it does not know', () => {
    expect(parseNftStatements('tcp dport 22 ct count over 3 drop').unknown).toEqual(['"ct count over 3"']);
    expect(parseNftStatements('meta skuid 1000 accept').unknown).toEqual(['"meta skuid 1000"']);
    expect(parseNftStatements('tcp dport 22 ct count over 3 drop').verdict).toEqual({ kind: 'drop', arg: null });
  });

  it('reads ports in iptables spelling and nft wildcards as iptables +', () => {
    expect(parseNftStatements('udp sport { 53, 5353-5360 } oifname "br-*" accept')).toMatchObject({
      sport: { spec: '53,5353:5360', negated: false },
      proto: { value: 'udp', negated: false },
      oif: { value: 'br-+', negated: false },
      unknown: [],
    });
  });
});

describe('jump targets', () => {
  const table: NftTable = {
    family: 'ip',
    name: 't',
    chains: [],
    sets: [{ name: 'm', kind: 'map', type: 'ifname : verdict', elements: ['"br-a" : jump in__br-a', '"br-b" : goto in__br-b', '"br-c" : accept', '"br-*" : jump wild'] }],
  };

  it('follows jumps, gotos and verdict-map elements, each chain once', () => {
    expect(nftJumpTargets(table, parseNftStatements('iifname "x" jump one'))).toEqual(['one']);
    expect(nftJumpTargets(table, parseNftStatements('oifname vmap @m'))).toEqual(['in__br-a', 'in__br-b']);
  });

  it('reads verdict-map elements, refusing wildcard keys', () => {
    expect(parseVmapElement('"br-a" : jump in__br-a')).toEqual({ key: 'br-a', verdict: 'jump', arg: 'in__br-a' });
    expect(parseVmapElement('"br-c" : accept')).toEqual({ key: 'br-c', verdict: 'accept', arg: null });
    expect(parseVmapElement('"br-*" : jump wild')).toBeNull();
  });
});
