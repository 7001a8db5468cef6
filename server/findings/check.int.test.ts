import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FindingsReport } from '../../lib/findings';

// `netatlas check` on real cases. The lab produces some findings (macvlan isolation, MTU against this machine's
// uplink, a port published on 127.0.0.1) and is the case that does not produce others. The findings that would
// break the shared host (ip_forward=0, bridge-nf-call-iptables=0, rules in both iptables backends) are made inside
// namespaces of their own: the real collector runs inside one (`ip netns exec`), so that namespace is "the host" it
// reads — its sysctls and both iptables backends are real kernel state; Docker's networks are this machine's real ones.

const root = join(import.meta.dirname, '../..');
const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' }).trim();
const check = (prefix: string[] = []) => {
  const [cmd, ...args] = [...prefix, process.execPath, 'bin/netatlas.mjs', 'check', '--json'];
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20, timeout: 120_000 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`netatlas check exited ${r.status}: ${r.stderr}`);
  return { status: r.status, report: JSON.parse(r.stdout) as FindingsReport };
};
const ids = (r: FindingsReport) => r.findings.map((f) => f.id);

describe('netatlas check on the lab', () => {
  let lab: ReturnType<typeof check>;
  beforeAll(() => {
    lab = check();
  }, 180_000);

  it('macvlan: lab-mv1 and the host cannot reach each other (and the kernel agrees)', () => {
    expect(ids(lab.report)).toContain('macvlan-host-isolation:lab-mv1:netatlas-lab-mv');
    // Ground truth: the host's own attempt fails (no neighbour answers through the parent).
    const r = spawnSync('timeout', ['3', 'busybox', 'wget', '-qO-', 'http://198.18.6.2/cgi-bin/remote'], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    // No other container is on a macvlan network.
    expect(lab.report.findings.filter((f) => f.check === 'macvlan-host-isolation')).toHaveLength(1);
  });

  it('MTU: every non-internal network whose containers exceed the uplink MTU, none for the internal one', () => {
    const uplink = sh('ip', ['-j', 'route', 'show', 'default']);
    const dev = (JSON.parse(uplink) as { dev: string }[])[0].dev;
    const uplinkMtu = Number(readFileSync(`/sys/class/net/${dev}/mtu`, 'utf8'));
    const ctrMtu = Number(sh('docker', ['exec', 'lab-db', 'cat', '/sys/class/net/eth0/mtu']));
    const mtuIds = lab.report.findings.filter((f) => f.check === 'mtu-mismatch').map((f) => f.id);
    if (ctrMtu > uplinkMtu) expect(mtuIds).toContain(`mtu-mismatch:netatlas-lab-a:uplink:${dev}`);
    else expect(mtuIds).not.toContain(`mtu-mismatch:netatlas-lab-a:uplink:${dev}`);
    expect(mtuIds.filter((id) => id.includes('netatlas-lab-int'))).toEqual([]);
  });

  it('published on 127.0.0.1: lab-web 18081 only, not its 0.0.0.0:18080', () => {
    const loop = lab.report.findings.filter((f) => f.check === 'published-on-loopback').map((f) => f.id);
    expect(loop).toContain('published-on-loopback:lab-web:127.0.0.1:18081/tcp');
    expect(loop.filter((id) => id.includes(':18080/'))).toEqual([]);
  });

  it('names on the default bridge: lab-linked names lab-web through its --link hosts line; nobody else does', () => {
    const hosts = readFileSync(sh('docker', ['inspect', '-f', '{{.HostsPath}}', 'lab-linked']), 'utf8');
    const webIp = sh('docker', ['inspect', '-f', '{{.NetworkSettings.Networks.bridge.IPAddress}}', 'lab-web']);
    expect(hosts).toMatch(new RegExp(`^${webIp.replace(/\./g, '\\.')}\\s.*\\blab-web\\b`, 'm'));
    expect(lab.report.findings.filter((f) => f.check === 'default-bridge-names').map((f) => `${f.level} ${f.id}`)).toEqual(['info default-bridge-names:lab-linked:lab-web']);
  });

  it('the shared host has none of the host-breaking findings, and no DOCKER-USER rule shadows a lab port', () => {
    expect(Number(readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8'))).toBe(1);
    for (const c of ['ip-forward-off', 'iptables-both-backends', 'docker-user-shadows-port']) {
      expect(lab.report.findings.filter((f) => f.check === c)).toEqual([]);
    }
    expect(lab.status).toBe(lab.report.findings.some((f) => f.level === 'error') ? 1 : 0);
  });
});

describe('a DOCKER-USER rule that shadows a published port', () => {
  // The check asks the simulator whether a client outside (203.0.113.7, TEST-NET-3: nobody's real address) reaches each
  // published port. A real rule dropping port 80 for TEST-NET-3 clients shadows lab-web's 18080 for that client and
  // disturbs nobody; it goes just before DOCKER-USER's final RETURN, so the lab rule above keeps its position.
  const COMMENT = `netatlas-find-${randomBytes(3).toString('hex')}`;
  const spec = ['-s', '203.0.113.0/24', '-p', 'tcp', '-m', 'tcp', '--dport', '80', '-m', 'comment', '--comment', COMMENT, '-j', 'DROP'];

  afterAll(() => {
    spawnSync('iptables', ['-D', 'DOCKER-USER', ...spec]);
  });

  it('is found, naming the rule, while it is there', () => {
    const rules = sh('iptables', ['-S', 'DOCKER-USER']).split('\n').filter((l) => l.startsWith('-A '));
    const returnAt = rules.findIndex((l) => l === '-A DOCKER-USER -j RETURN');
    sh('iptables', ['-I', 'DOCKER-USER', String(returnAt >= 0 ? returnAt + 1 : rules.length + 1), ...spec]);
    let report: FindingsReport;
    try {
      report = check().report;
    } finally {
      sh('iptables', ['-D', 'DOCKER-USER', ...spec]);
    }
    const found = report.findings.filter((f) => f.check === 'docker-user-shadows-port');
    expect(found.map((f) => f.id)).toContain('docker-user-shadows-port:lab-web:0.0.0.0:18080/tcp');
    expect(found[0].evidence[1]).toContain(COMMENT);
  }, 180_000);
});

describe('netatlas check with a namespace as the host', () => {
  const tag = randomBytes(3).toString('hex');
  const broken = `na-find-${tag}-b`;
  const sound = `na-find-${tag}-s`;
  const inNs = (ns: string, ...cmd: string[]) => sh('ip', ['netns', 'exec', ns, ...cmd]);

  beforeAll(() => {
    sh('ip', ['netns', 'add', broken]);
    sh('ip', ['netns', 'add', sound]);
    inNs(broken, 'sysctl', '-qw', 'net.ipv4.ip_forward=0');
    inNs(broken, 'sysctl', '-qw', 'net.bridge.bridge-nf-call-iptables=0');
    inNs(broken, 'iptables-legacy', '-A', 'INPUT', '-p', 'tcp', '--dport', '9', '-j', 'ACCEPT');
    inNs(broken, 'iptables-nft', '-A', 'INPUT', '-p', 'tcp', '--dport', '9', '-j', 'ACCEPT');
    inNs(sound, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
    inNs(sound, 'sysctl', '-qw', 'net.bridge.bridge-nf-call-iptables=1');
    inNs(sound, 'iptables-nft', '-A', 'INPUT', '-p', 'tcp', '--dport', '9', '-j', 'ACCEPT');
  });

  afterAll(() => {
    for (const ns of [broken, sound]) spawnSync('ip', ['netns', 'del', ns]);
  });

  it('ip_forward=0, bridge-nf-call-iptables=0 and rules in both backends: three findings, exit 1', () => {
    // What the collector will read, checked independently first.
    expect(inNs(broken, 'cat', '/proc/sys/net/ipv4/ip_forward')).toBe('0');
    expect(inNs(broken, 'iptables-legacy-save')).toMatch(/-A INPUT -p tcp -m tcp --dport 9 -j ACCEPT/);
    const { status, report } = check(['ip', 'netns', 'exec', broken]);
    const byCheck = (c: string) => report.findings.filter((f) => f.check === c);
    expect(byCheck('ip-forward-off')).toMatchObject([{ level: 'error', evidence: expect.arrayContaining(['net.ipv4.ip_forward = 0']) }]);
    // netatlas-lab-noicc has icc disabled: its isolation relies on br_netfilter.
    expect(byCheck('bridge-nf-off')).toMatchObject([{ level: 'error', evidence: ['net.bridge.bridge-nf-call-iptables = 0', expect.stringMatching(/netatlas-lab-noicc/)] }]);
    expect(byCheck('iptables-both-backends')).toMatchObject([{ level: 'warning' }]);
    expect(status).toBe(1);
  }, 180_000);

  it('the same checks on a sound namespace find nothing', () => {
    const { report } = check(['ip', 'netns', 'exec', sound]);
    for (const c of ['ip-forward-off', 'bridge-nf-off', 'iptables-both-backends']) expect(report.findings.filter((f) => f.check === c)).toEqual([]);
  }, 180_000);
});

describe('netatlas trace --to NAME resolves like the source container', () => {
  const trace = (...args: string[]) => spawnSync(process.execPath, ['bin/netatlas.mjs', 'trace', ...args], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });

  it('says when a default-bridge container cannot resolve a name, and still traces to the container', () => {
    const r = trace('--from', 'lab-web', '--to', 'lab-api:80');
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('name: cannot resolve lab-api: lab-web is on the default bridge: no embedded DNS; use a user-defined network or --add-host');
  });

  it('an alias resolves through the embedded DNS to the address on the shared network', () => {
    const ip = sh('docker', ['inspect', '-f', '{{(index .NetworkSettings.Networks "netatlas-lab-a").IPAddress}}', 'lab-api']);
    const r = trace('--from', 'lab-db', '--to', 'api:80', '--json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { query: { to: unknown }; resolution: unknown };
    expect(out.resolution).toMatchObject({ ok: true, via: 'embedded-dns', network: 'netatlas-lab-a', addresses: [ip] });
    expect(out.query.to).toEqual({ kind: 'ip', ip, port: 80 });
  });

  it('a --link name resolves through /etc/hosts on the default bridge', () => {
    const r = trace('--from', 'lab-linked', '--to', 'web:80', '--json');
    expect(r.status).toBe(0);
    const webIp = sh('docker', ['inspect', '-f', '{{.NetworkSettings.Networks.bridge.IPAddress}}', 'lab-web']);
    expect((JSON.parse(r.stdout) as { resolution: unknown }).resolution).toMatchObject({ ok: true, via: 'hosts', addresses: [webIp] });
  });

    it('a name the source cannot resolve and that is no container is an error with the reason', () => {
    const r = trace('--from', 'lab-worker', '--to', 'api:80');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/api \(an alias of lab-api\) is known to the embedded DNS on netatlas-lab-a only/);
  });
});
