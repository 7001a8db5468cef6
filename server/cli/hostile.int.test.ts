import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULE_DUMP_MAX_BYTES } from '../../lib/limits';

// The CLI against hostile input (issue 9, items 2 and 3): dumps whose comments drive a terminal, binary files,
// over-limit sizes, chains in a 4,000-deep line or a cycle, snapshots with hostile names, and a container that
// writes a hostile comment into its own namespace. All through the real compiled CLI as a child process.

const root = join(import.meta.dirname, '../..');
const netatlas = (args: string[], input?: Buffer | string) =>
  spawnSync(process.execPath, ['bin/netatlas.mjs', ...args], { cwd: root, input, encoding: 'utf8', maxBuffer: 256 << 20, timeout: 120_000 });

/** What a terminal would act on: C0 but newline and tab, DEL, C1, bidi overrides and isolates. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const HOSTILE = '\u001b]0;PWNED\u0007\u001b[2J';
/** The same text after the CLI escaped it. */
const SHOWN = '\\x1b]0;PWNED\\x07\\x1b[2J';

function expectNoControls(r: { stdout: string; stderr: string }) {
  expect(CONTROL.test(r.stdout), `stdout has a raw control character: ${JSON.stringify(r.stdout.match(CONTROL))}`).toBe(false);
  expect(CONTROL.test(r.stderr), `stderr has a raw control character: ${JSON.stringify(r.stderr.match(CONTROL))}`).toBe(false);
}

let dir: string;
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'netatlas-hostile-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('terminal injection through rule comments', () => {
  const dump = () => file('hostile.rules', `*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s 198.18.0.9/32 -m comment --comment "${HOSTILE}\u202eevil\u009b2J" -j ACCEPT\nCOMMIT\n`);

  it('rules --file writes the comment visibly escaped, with no ESC or BEL byte', () => {
    const r = netatlas(['rules', '--file', dump()]);
    expect(r.status).toBe(0);
    expectNoControls(r);
    expect(r.stdout).toContain(`--comment "${SHOWN}\\u202eevil\\x9b2J"`);
  });

  it('rules --file --json stays valid JSON that gives the comment back exactly, with no raw control character', () => {
    const r = netatlas(['rules', '--file', dump(), '--json']);
    expect(r.status).toBe(0);
    expectNoControls(r);
    const chains = JSON.parse(r.stdout) as { rules: { text: string }[] }[];
    expect(chains[0].rules[0].text).toContain(`"${HOSTILE}\u202eevil\u009b2J"`);
  });

  it('error messages that quote input are escaped too', () => {
    const r = netatlas(['rules', `--${HOSTILE}`]);
    expect(r.status).toBe(2);
    expectNoControls(r);
    expect(r.stderr).toContain(`unknown option '--${SHOWN}'`);
  });
});

describe('binary and oversized files are refused with a clear message and exit 1', () => {
  it.each([
    ['1 MB of /dev/urandom', () => file('random.bin', randomBytes(1 << 20)), /is not UTF-8 text|contains NUL bytes/],
    ['zero bytes', () => file('zeros.bin', Buffer.alloc(1 << 20)), /contains NUL bytes: binary data/],
    ['a PNG', () => file('image.png', Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), randomBytes(4096)])), /contains NUL bytes|is not UTF-8 text/],
    ['text that is mostly not rules', () => file('mostly-junk.txt', `*filter\n${'this is not a rule\n'.repeat(50)}COMMIT\n`), /is not a ruleset netatlas recognises/],
  ])('%s', (_, make, message) => {
    const r = netatlas(['rules', '--file', make()]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    expectNoControls(r);
  });

  it('/dev/zero: reading stops just past the limit', () => {
    const r = netatlas(['rules', '--file', '/dev/zero']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/\/dev\/zero is larger than the 64 MiB netatlas accepts/);
  });

  it('a file over the limit is refused from its size, before reading (a sparse file: nothing to read)', () => {
    const path = file('huge.rules', '*filter\n');
    truncateSync(path, RULE_DUMP_MAX_BYTES + 1);
    const r = netatlas(['rules', '--file', path]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/huge\.rules is larger than the 64 MiB netatlas accepts \(docs\/limits\.md\)/);
  });

  it('stdin (--file -) is checked the same way', () => {
    const r = netatlas(['rules', '--file', '-'], randomBytes(256 << 10));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/stdin (is not UTF-8 text|contains NUL bytes)/);
    const ok = netatlas(['rules', '--file', '-'], '*filter\n:INPUT DROP [0:0]\n-A INPUT -i lo -j ACCEPT\nCOMMIT\n');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/-A INPUT -i lo -j ACCEPT/);
  });
});

describe('deep and cyclic chain structures', () => {
  const line = (n: number, cycle: boolean) => {
    const l = ['*filter', ':INPUT ACCEPT [0:0]', ...Array.from({ length: n }, (_, i) => `:C${i} - [0:0]`), '-A INPUT -j C0'];
    for (let i = 0; i + 1 < n; i++) l.push(`-A C${i} -j C${i + 1}`);
    if (cycle) l.push(`-A C${n - 1} -j C0`);
    return [...l, 'COMMIT', ''].join('\n');
  };

  it('4,000 chains jumping into each other in a line: no crash, each chain once, output linear in size', () => {
    const text = line(4000, false);
    const r = netatlas(['rules', '--file', file('line.rules', text)]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.match(/^ *Chain C\d+/gm)).toHaveLength(4000);
    expect(r.stdout).toMatch(/Chain C3999 \[depth 4000\]/);
    // Each chain's header and its one rule with explanation: a few hundred bytes each, not thousands of spaces.
    expect(r.stdout.length).toBeLessThan(4000 * 400);
  });

  it('a reader that stops early (| head) ends the output quietly, exit 0', () => {
    const path = file('line-head.rules', line(4000, false));
    // pipefail: the pipeline's status is netatlas's own unless that is 0.
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" bin/netatlas.mjs rules --file "${path}" | head -n 1`], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(r.stdout).toBe('== file · ipv4 · table filter\n');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('a cycle of chains ends, listing each chain once', () => {
    const r = netatlas(['rules', '--file', file('cycle.rules', line(500, true)), '--json']);
    expect(r.status).toBe(0);
    const chains = (JSON.parse(r.stdout) as { chain: string }[]).map((c) => c.chain);
    expect(chains).toHaveLength(501);
    expect(new Set(chains).size).toBe(501);
  });
});

describe('trace --snapshot with hostile names', () => {
  const NAME = `lab-db${HOSTILE}\u202e`;
  const snapshot = () => {
    const s = JSON.parse(readFileSync(join(root, 'lib/snapshot/__fixtures__/lab-snapshot.json'), 'utf8'));
    for (const c of s.docker.containers) if (c.name === 'lab-db') c.name = NAME;
    return file('hostile-snapshot.json', JSON.stringify(s));
  };

  it('prints the hostile container name escaped in a trace', () => {
    const r = netatlas(['trace', '--snapshot', snapshot(), '--from', 'lab-api', '--to', `${NAME}:80`]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expectNoControls(r);
    expect(r.stdout).toContain(`lab-db${SHOWN}\\u202e`);
  });

  it('and in the error listing the containers when a name is unknown', () => {
    const r = netatlas(['trace', '--snapshot', snapshot(), '--from', 'nosuch', '--to', '198.18.0.1']);
    expect(r.status).toBe(2);
    expectNoControls(r);
    expect(r.stderr).toContain(`lab-db${SHOWN}`);
  });
});

describe('a container that writes a hostile comment into its own namespace', () => {
  const name = `na-i9-hostile-${randomBytes(3).toString('hex')}`;
  const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' }).trim();

  beforeAll(() => {
    sh('docker', ['run', '-d', '--name', name, '--label', 'netatlas.lab=1', '--cap-add', 'NET_ADMIN', '--network', 'none', 'netatlas-lab/busybox:1', 'sleep', '600']);
    const pid = sh('docker', ['inspect', '-f', '{{.State.Pid}}', name]);
    // busybox has no iptables: the rule is added from the host, inside the container's namespace.
    sh('nsenter', [`--net=/proc/${pid}/ns/net`, 'iptables', '-A', 'INPUT', '-s', '198.18.0.9/32', '-m', 'comment', '--comment', HOSTILE, '-j', 'ACCEPT']);
  }, 60_000);
  afterAll(() => {
    execFileSync('docker', ['rm', '-f', name], { stdio: 'ignore' });
  });

  it('live rules --all shows it, escaped', () => {
    const r = netatlas(['rules', '--all']);
    expect(r.status).toBe(0);
    expectNoControls(r);
    expect(r.stdout).toContain(SHOWN);
  }, 120_000);
});
