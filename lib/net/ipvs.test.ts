import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ipvsServiceFor, ipvsTable, parseIpvs } from './ipvs';

// Fixtures written from the kernel's printer (net/netfilter/ipvs/ip_vs_ctl.c, ip_vs_info_seq_show: "%08X:%04X",
// "[%pI6]:%04X", "FWM  %08X") and ipvsadm -Ln's output: the same table in both forms, as swarm's ingress_sbox holds it
// (a fwmark service for a published port) plus an address service and an IPv6 one.
const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');

const expected = [
  {
    kind: 'fwmark', fwmark: 256, scheduler: 'rr',
    reals: [
      { ip: '198.18.64.3', port: 0, forward: 'Masq', weight: 1 },
      { ip: '198.18.64.4', port: 0, forward: 'Masq', weight: 1 },
    ],
  },
  { kind: 'addr', protocol: 'tcp', ip: '198.18.62.5', port: 80, scheduler: 'rr', reals: [{ ip: '198.18.62.2', port: 80, forward: 'Masq', weight: 1 }] },
];

describe('parseIpvs', () => {
  it('reads /proc/net/ip_vs (hex addresses, ports and marks)', () => {
    const { services, errors } = parseIpvs(fixture('proc-net-ip_vs.txt'));
    expect(errors).toEqual([]);
    expect(services.slice(0, 2)).toEqual(expected);
    expect(services[2]).toMatchObject({ kind: 'addr', protocol: 'udp', port: 53, reals: [{ port: 53 }] });
    expect(services[2].kind === 'addr' && services[2].ip).toBe('fd00:0000:0000:0000:0000:0000:0000:0001');
  });

  it('reads ipvsadm -Ln to the same table', () => {
    const { services, errors } = parseIpvs(fixture('ipvsadm-Ln.txt'));
    expect(errors).toEqual([]);
    expect(services.slice(0, 2)).toEqual(expected);
    expect(services[2]).toMatchObject({ kind: 'addr', protocol: 'udp', ip: 'fd00::1', port: 53 });
  });

  it('reports lines it does not understand, and a real server before any service', () => {
    const { services, errors } = parseIpvs('  -> 198.18.64.3:0 Masq 1 0 0\nTCP  nonsense rr\nFWM  256 rr\n  -> 198.18.64.3:0 Masq x 0 0\nXYZ 1 2\n');
    expect(services).toEqual([{ kind: 'fwmark', fwmark: 256, scheduler: 'rr', reals: [] }]);
    expect(errors.map((e) => e.line)).toEqual([1, 2, 4, 5]);
  });
});

describe('ipvsServiceFor', () => {
  const { services } = parseIpvs(fixture('ipvsadm-Ln.txt'));
  it('picks the fwmark service for a marked packet, else the address service', () => {
    expect(ipvsServiceFor(services, { fwmark: 256, protocol: 'tcp', ip: '198.18.61.2', port: 18091 })).toBe(services[0]);
    expect(ipvsServiceFor(services, { fwmark: null, protocol: 'tcp', ip: '198.18.62.5', port: 80 })).toBe(services[1]);
    expect(ipvsServiceFor(services, { fwmark: 257, protocol: 'tcp', ip: '198.18.62.5', port: 80 })).toBe(services[1]);
  });
  it('leaves other packets alone', () => {
    expect(ipvsServiceFor(services, { fwmark: null, protocol: 'udp', ip: '198.18.62.5', port: 80 })).toBeNull();
    expect(ipvsServiceFor(services, { fwmark: null, protocol: 'tcp', ip: '198.18.62.6', port: 80 })).toBeNull();
  });
});

describe('ipvsTable: what the snapshot keeps of a read', () => {
  it('the table read: every service, nothing to report', () => {
    const t = ipvsTable({ kind: 'text', text: fixture('proc-net-ip_vs.txt'), truncated: false });
    expect(t.services).toEqual(parseIpvs(fixture('proc-net-ip_vs.txt')).services);
    expect(t.services).toHaveLength(3);
    expect([t.reason, t.warning]).toEqual([null, null]);
  });

  it('no /proc/net/ip_vs: no table, and the reason the simulator will name', () => {
    expect(ipvsTable({ kind: 'absent' })).toEqual({ services: null, reason: 'kernel has no IPVS (/proc/net/ip_vs absent)', warning: null });
    expect(ipvsTable({ kind: 'failed', why: 'open: Permission denied' }).reason).toBe('cannot read /proc/net/ip_vs: open: Permission denied');
  });

  it('lines it does not understand are left out and reported; a cut table loses its last, maybe partial, service', () => {
    const text = fixture('proc-net-ip_vs.txt').replace('TCP  C6123E05:0050 rr', 'XYZ  nonsense');
    const odd = ipvsTable({ kind: 'text', text, truncated: false });
    expect(odd.warning).toBe('2 line(s) of /proc/net/ip_vs not understood (first: line 7: "XYZ  nonsense ")');
    // The unreadable service's real server is not taken for the fwmark service's.
    expect(odd.services!.map((x) => x.reals.length)).toEqual([2, 1]);
    const cut = ipvsTable({ kind: 'text', text: fixture('proc-net-ip_vs.txt'), truncated: true });
    expect(cut.services).toHaveLength(2);
    expect(cut.warning).toMatch(/larger than the 4 MiB read/);
  });
});
