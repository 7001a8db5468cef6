import { describe, expect, it } from 'vitest';
import type { Listener, Snapshot } from '../snapshot/schema';
import { containerId, hostNs, labSnapshot } from './fixtures.test-helper';
import { tracePath } from './trace';
import type { Endpoint, Outcome, Target, TraceQuery, TraceResult } from './types';

// The simulator and listening sockets, on the lab snapshot with listeners as the live lab has them: busybox httpd on
// 0.0.0.0:80 in every container (lab-web's moved to 127.0.0.1 where a test says so), docker-proxy on the host's
// published ports, a UDP socket in lab-db.

const WEB_NS = 'netns:4026532186';
const DB_NS = 'netns:4026532342';
const DEMO_NS = 'netns:4026532563';

const l = (protocol: 'tcp' | 'udp', address: string, port: number, comm: string, pid: number): Listener => ({
  protocol,
  family: address.includes(':') ? 'inet6' : 'inet',
  address,
  port,
  inode: pid * 10,
  processes: [{ pid, comm }],
});

function withListeners(): Snapshot {
  const s = labSnapshot();
  for (const ns of s.namespaces) ns.listeners = ns.kind === 'container' ? [l('tcp', '0.0.0.0', 80, 'httpd', 100)] : [];
  hostNs(s).listeners = [l('tcp', '0.0.0.0', 18080, 'docker-proxy', 8910), l('tcp', '::', 18080, 'docker-proxy', 8916), l('tcp', '127.0.0.1', 18081, 'docker-proxy', 8899)];
  s.namespaces.find((n) => n.id === DB_NS)!.listeners!.push(l('udp', '0.0.0.0', 5353, 'nc', 200));
  return s;
}

const ns = (s: Snapshot, id: string) => s.namespaces.find((n) => n.id === id)!;
const ctr = (s: Snapshot, name: string): Endpoint => ({ kind: 'container', containerId: containerId(s, name) });
const ip = (addr: string, port: number | null = 80): Target => ({ kind: 'ip', ip: addr, port });
const trace = (s: Snapshot, from: Endpoint, to: Target, protocol: TraceQuery['protocol'] = 'tcp'): TraceResult => tracePath(s, { from, to, protocol });
const notes = (r: TraceResult) => r.steps.flatMap((x) => (x.type === 'note' ? [x.text] : []));
/** The outcome variant whose `result` can be R (refused and port-unreachable share one). */
type Of<R, O = Outcome> = O extends { result: infer X } ? (R extends X ? O : never) : never;
const as = <R extends Outcome['result']>(o: Outcome, result: R) => {
  expect(o.result, JSON.stringify(o)).toBe(result);
  return o as Of<R>;
};

describe('listeners decide who takes the connection', () => {
  it('delivered names the listening process', () => {
    const s = withListeners();
    const o = as(trace(s, ctr(s, 'lab-api'), ip('198.18.1.3')).outcome, 'delivered');
    expect(o.listener).toEqual({ address: '0.0.0.0', port: 80, processes: [{ pid: 100, comm: 'httpd' }] });
    expect(trace(s, ctr(s, 'lab-api'), ip('198.18.1.3')).summary).toMatch(/where the socket on 0\.0\.0\.0:80 \(httpd \(pid 100\)\) takes it/);
  });

  it('TCP to a port where nothing listens is refused (RST), naming the namespace', () => {
    const s = withListeners();
    const o = as(trace(s, ctr(s, 'lab-api'), ip('198.18.1.3', 81)).outcome, 'refused');
    expect(o).toMatchObject({ namespaceId: DB_NS, destination: '198.18.1.3:81', seenSource: '198.18.1.2', nearby: [] });
    expect(o.why).toMatch(/^nothing in lab-db listens on tcp port 81/);
  });

  it('a listener on 127.0.0.1 only: refused from elsewhere, and says what does listen', () => {
    const s = withListeners();
    ns(s, WEB_NS).listeners = [l('tcp', '127.0.0.1', 80, 'httpd', 100)];
    const o = as(trace(s, { kind: 'host' }, ip('198.18.0.2')).outcome, 'refused');
    expect(o.why).toBe('lab-web listens on 127.0.0.1:80 (httpd (pid 100)) only; the packet arrived for 198.18.0.2:80');
    expect(o.nearby).toHaveLength(1);
    // Its own loopback connects.
    expect(as(trace(s, ctr(s, 'lab-web'), ip('127.0.0.1')).outcome, 'delivered').namespaceId).toBe(WEB_NS);
    // The published port reaches docker-proxy, whose second leg is then refused by the container.
    const p = trace(s, { kind: 'host' }, ip('127.0.0.1', 18081));
    expect(p.legs).toBe(2);
    expect(as(p.outcome, 'refused').destination).toBe('198.18.0.2:80');
  });

  it('a container connecting to its own 127.0.0.1 on a port published on the host is refused in its namespace', () => {
    const s = withListeners();
    expect(as(trace(s, ctr(s, 'lab-web'), ip('127.0.0.1', 18081)).outcome, 'refused').namespaceId).toBe(WEB_NS);
  });

  it("a port published on 127.0.0.1 only is refused at the host's other addresses", () => {
    const s = withListeners();
    const o = as(trace(s, { kind: 'namespace', namespaceId: DEMO_NS }, ip('198.19.255.1', 18081)).outcome, 'refused');
    expect(o.why).toMatch(/listens on 127\.0\.0\.1:18081 \(docker-proxy \(pid 8899\)\) only; the packet arrived for 198\.19\.255\.1:18081/);
  });

  it('UDP: a bound socket takes it; elsewhere, ICMP port unreachable', () => {
    const s = withListeners();
    const ok = as(trace(s, ctr(s, 'lab-api'), ip('198.18.1.3', 5353), 'udp').outcome, 'delivered');
    expect(ok.listener).toMatchObject({ port: 5353, processes: [{ comm: 'nc' }] });
    const bad = as(trace(s, ctr(s, 'lab-api'), ip('198.18.1.3', 5354), 'udp').outcome, 'port-unreachable');
    expect(bad.why).toMatch(/nothing in lab-db is bound on udp port 5354/);
    // A TCP listener does not take UDP.
    expect(trace(s, ctr(s, 'lab-api'), ip('198.18.1.3', 80), 'udp').outcome.result).toBe('port-unreachable');
  });

  it('an IPv6 [::] listener takes IPv4 too (bindv6only=0 assumed, and said); docker-proxy’s does not', () => {
    const s = withListeners();
    ns(s, DB_NS).listeners = [l('tcp', '::', 80, 'nginx', 300)];
    const r = trace(s, ctr(s, 'lab-api'), ip('198.18.1.3'));
    expect(as(r.outcome, 'delivered').listener).toMatchObject({ address: '::', processes: [{ comm: 'nginx' }] });
    expect(notes(r).some((n) => /IPV6_V6ONLY is not in the snapshot/.test(n))).toBe(true);
    // The host's only listener on 18082 is docker-proxy on [::] (IPv6-only): IPv4 is refused.
    hostNs(s).listeners = [l('tcp', '::', 18082, 'docker-proxy', 8920)];
    expect(trace(s, { kind: 'host' }, ip('127.0.0.1', 18082)).outcome.result).toBe('refused');
  });

  it('listeners that could not be read: delivered, saying that whether anything listens is unknown', () => {
    const s = withListeners();
    ns(s, DB_NS).listeners = null;
    const r = trace(s, ctr(s, 'lab-api'), ip('198.18.1.3', 81));
    expect(as(r.outcome, 'delivered').listener).toBe('unknown');
    expect(notes(r)).toContain('the listening sockets of lab-db could not be read: whether anything listens on 198.18.1.3:81 is unknown');
    // An old snapshot without them: the same, with its own reason.
    delete ns(s, DB_NS).listeners;
    expect(notes(trace(s, ctr(s, 'lab-api'), ip('198.18.1.3', 81))).some((n) => /has no listening sockets/.test(n))).toBe(true);
  });
});

describe('an outside client sending to its own address', () => {
  const OUTSIDE: Endpoint = { kind: 'outside', ip: '198.19.255.2', iface: 'na-demo-h' };

  it('never enters the host: the namespace behind the link connects to itself', () => {
    const s = withListeners();
    ns(s, DEMO_NS).listeners = [l('tcp', '0.0.0.0', 80, 'httpd', 400)];
    const r = trace(s, OUTSIDE, ip('198.19.255.2'));
    const o = as(r.outcome, 'delivered');
    expect(o).toMatchObject({ namespaceId: DEMO_NS, seenSource: '198.19.255.2' });
    expect(r.steps.some((x) => x.type === 'rule' && x.namespaceId !== DEMO_NS)).toBe(false);
    expect(as(trace(s, OUTSIDE, ip('198.19.255.2', 81)).outcome, 'refused').namespaceId).toBe(DEMO_NS);
  });

  it('when the client is not in the snapshot, it stays on its side of the link', () => {
    const s = withListeners();
    const r = trace(s, { kind: 'outside', ip: '192.0.2.9', iface: 'eth0' }, ip('192.0.2.9'));
    expect(as(r.outcome, 'delivered')).toMatchObject({ leaves: { iface: 'eth0', via: null }, listener: 'unknown', seenSource: '192.0.2.9' });
    expect(r.steps.some((x) => x.type === 'rule')).toBe(false);
  });
});
