import { describe, expect, it } from 'vitest';
import { icmpType, markSpec, nftPortSpec, notEvaluable, parsePortSpec, portOption, portsText, protocolName, protocolNumber } from './match-vocabulary';

describe('match vocabulary', () => {
  it('reads port specs: single, ranges, open ranges, lists; nothing else', () => {
    expect(parsePortSpec('80')).toEqual([[80, 80]]);
    expect(parsePortSpec('8010:8000')).toEqual([[8000, 8010]]);
    expect(parsePortSpec(':1024')).toEqual([[0, 1024]]);
    expect(parsePortSpec('1024:')).toEqual([[1024, 65535]]);
    expect(parsePortSpec('80,443,8000:8010')).toEqual([[80, 80], [443, 443], [8000, 8010]]);
    expect(parsePortSpec('ssh')).toBeNull();
    expect(parsePortSpec('70000')).toBeNull();
    expect(nftPortSpec('{ 80, 8000-8010 }')).toBe('80,8000:8010');
    expect(portsText('80')).toBe('port 80');
    expect(portsText('80,443,1000:2000')).toBe('ports 80, 443 and 1000-2000');
    expect(portsText('1024:')).toBe('ports 1024-65535');
  });

  it('knows port options by every spelling, per module', () => {
    const o = (name: string) => ({ name, args: ['80,443'], negated: false });
    for (const name of ['dports', 'destination-ports', 'dport', 'destination-port'])
      expect(portOption('multiport', o(name))).toEqual({ side: 'dport', spec: '80,443', negated: false });
    expect(portOption('multiport', o('ports'))?.side).toBe('ports');
    expect(portOption('tcp', o('destination-port'))?.side).toBe('dport');
    expect(portOption('udp', o('source-port'))?.side).toBe('sport');
    expect(portOption('tcp', o('dports'))).toBeNull();
    expect(portOption('conntrack', o('dport'))).toBeNull();
  });

  it('knows protocols by name and number', () => {
    expect(['tcp', '6', 'TCP'].map(protocolNumber)).toEqual([6, 6, 6]);
    expect(['icmpv6', 'ipv6-icmp', '58'].map(protocolNumber)).toEqual([58, 58, 58]);
    expect(protocolNumber('all')).toBe('any');
    expect(protocolNumber('frobnicate')).toBeNull();
    expect(protocolName('17')).toBe('UDP');
    expect(protocolName('99')).toBe('protocol 99');
  });

  it('knows ICMP types, marks, and what a snapshot cannot decide', () => {
    expect(icmpType('echo-request', 4)).toBe(8);
    expect(icmpType('3/3', 4)).toBe(3);
    expect(icmpType('neighbour-solicitation', 6)).toBe(135);
    expect(icmpType('neighbour-solicitation', 4)).toBeNull();
    expect(markSpec('0x1/0xff')).toEqual({ value: 1, mask: 255 });
    expect(markSpec('lots')).toBeNull();
    expect(notEvaluable({ module: 'statistic' })).toMatch(/random/);
    expect(notEvaluable({ module: 'addrtype' }, { name: 'dst-type', args: ['LOCAL'], negated: false })).toBeNull();
    expect(notEvaluable({ module: 'addrtype' }, { name: 'dst-type', args: ['BLACKHOLE'], negated: false })).toMatch(/route types/);
    expect(notEvaluable({ module: 'tcp' })).toBeNull();
  });
});
