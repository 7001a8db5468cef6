import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// `netatlas rules` on the live lab and on saved dumps of every format it detects.

const root = join(import.meta.dirname, '../..');
const fixtures = join(root, '../shared/fixtures/netfilter');
const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/netatlas.mjs', 'rules', ...args], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });

interface Row { role: string; origin: string; understood: boolean; sentence: string; chain: string; table: string; text: string; packets: number | null }
const rows = (stdout: string) => (JSON.parse(stdout) as { rules: Row[] }[]).flatMap((c) => c.rules);

describe('netatlas rules', () => {
  it('explains the live host: lab-web by name in its DNAT rules, with counters', () => {
    const r = cli('--json');
    expect(r.status).toBe(0);
    const dnat = rows(r.stdout).filter((x) => x.role === 'published-port-dnat');
    expect(dnat.length).toBeGreaterThanOrEqual(2);
    expect(dnat.every((x) => x.sentence.includes('lab-web') && x.packets !== null)).toBe(true);
  });

  it('--all adds the containers\' own rules (embedded DNS)', () => {
    expect(rows(cli('--json').stdout).some((x) => x.role === 'embedded-dns')).toBe(false);
    expect(rows(cli('--json', '--all').stdout).some((x) => x.role === 'embedded-dns')).toBe(true);
  });

  it.each([
    ['iptables -S', 'moby-docs/docker-v28.3.0_iptablesdoc_usernet-portmap.iptables-S.txt', 'published-port-dnat'],
    ['nft list', 'moby-docs/docker-v29.7.2_nftablesdoc_usernet-portmap.nft.txt', 'published-port-dnat'],
    ['iptables-save', 'real-world/real_2023-12_container-netns_embedded-dns_annotated.iptables-nft-save', 'embedded-dns'],
  ])('explains a saved %s dump', (_, file, role) => {
    const r = cli('--file', join(fixtures, file), '--json');
    expect(r.status).toBe(0);
    const all = rows(r.stdout);
    expect(all.length).toBeGreaterThan(3);
    expect(all.some((x) => x.role === role)).toBe(true);
    expect(all.filter((x) => x.origin === 'docker').every((x) => x.understood)).toBe(true);
  });

  it('prints text with each rule followed by its explanation, and flags what it does not understand', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netatlas-rules-'));
    const f = join(dir, 'odd.rules');
    writeFileSync(f, '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m frobnicate --zap 3 -j DROP\n-A INPUT -s 192.0.2.7/32 -j DROP\nCOMMIT\n');
    const r = cli('--file', f);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/-A INPUT -m frobnicate --zap 3 -j DROP\n.*NOT UNDERSTOOD: shown raw/);
    expect(r.stdout).toMatch(/-A INPUT -s 192\.0\.2\.7\/32 -j DROP\n.*user.*192\.0\.2\.7/);
  });

  it('says clearly when a file is not a ruleset', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netatlas-rules-'));
    const f = join(dir, 'notes.txt');
    writeFileSync(f, 'hello, this is not a firewall\n');
    const r = cli('--file', f);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/not a ruleset netatlas recognises/);
    expect(cli('--file', join(dir, 'missing')).stderr).toMatch(/cannot read/);
  });
});
