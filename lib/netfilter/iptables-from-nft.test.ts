import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { iptablesSaveFromNft, ruleToIptables } from './iptables-from-nft';
import { parseIptablesSave } from './iptables-parse';
import { parseNftJson } from './nft-json-parse';
import { parseNftText } from './nft-text-parse';

// Captured with iptables 1.8.9 (nf_tables) and nft 1.0.6: lab-api (Docker's embedded-DNS rules) and the lab's
// demo namespace (a rule with `-m comment`, which nft's text listing prints as nothing).
const fixture = (f: string) => readFileSync(join(__dirname, '__fixtures__', 'from-nft', f), 'utf8');
const tables = (name: string) => ({ text: parseNftText(fixture(`${name}.nft.txt`)), json: parseNftJson(JSON.parse(fixture(`${name}.nft.json`))).tables });

describe('iptablesSaveFromNft', () => {
  it('rebuilds what iptables-save printed for Docker embedded-DNS rules, counters included', () => {
    const t = tables('lab-api');
    const rebuilt = iptablesSaveFromNft(t.text, t.json, 'ip');
    expect(rebuilt).not.toBeNull();
    const real = fixture('lab-api.iptables-save');
    expect(parseIptablesSave(rebuilt!)).toEqual(parseIptablesSave(real));
    // Line for line, apart from iptables-save's comment lines.
    expect(rebuilt!.trim().split('\n')).toEqual(real.trim().split('\n').filter((l) => !l.startsWith('#')));
  });

  it('has nothing to say for a family without tables', () => {
    const t = tables('lab-api');
    expect(iptablesSaveFromNft(t.text, t.json, 'ip6')).toBe('');
  });

  it('refuses a rule whose match the text listing dropped (-m comment), so iptables-save runs instead', () => {
    const t = tables('demo-comment');
    expect(t.text[0].chains[0].rules[0].text).toContain('tcp dport 9  counter'); // the comment vanished
    expect(iptablesSaveFromNft(t.text, t.json, 'ip')).toBeNull();
  });

  it('refuses when the JSON listing does not pair with the text listing', () => {
    const t = tables('lab-api');
    const fewer = t.json.map((x) => ({ ...x, chains: x.chains.map((c) => ({ ...c, rules: c.rules.slice(1) })) }));
    expect(iptablesSaveFromNft(t.text, fewer, 'ip')).toBeNull();
  });

  it('refuses a built-in chain with a policy someone set (its counters are not in the listing)', () => {
    const t = tables('lab-api');
    const drop = t.text.map((x) => ({ ...x, chains: x.chains.map((c) => (c.name === 'OUTPUT' ? { ...c, policy: 'drop' } : c)) }));
    expect(iptablesSaveFromNft(drop, t.json, 'ip')).toBeNull();
  });
});

describe('ruleToIptables', () => {
  it('writes matches in iptables-save order whatever the nft order', () => {
    expect(ruleToIptables('tcp dport 53 ip daddr 10.0.0.0/8 iifname "eth0" counter packets 1 bytes 2 accept', 'ip')).toBe(
      ' -d 10.0.0.0/8 -i eth0 -p tcp -m tcp --dport 53 -j ACCEPT',
    );
    expect(ruleToIptables('ip saddr != 127.0.0.11 udp sport 1000-2000 counter packets 0 bytes 0 snat to :53', 'ip')).toBe(
      ' ! -s 127.0.0.11/32 -p udp -m udp --sport 1000:2000 -j SNAT --to-source :53',
    );
    expect(ruleToIptables('ip6 daddr ::1 counter packets 0 bytes 0 jump X', 'ip6')).toBe(' -d ::1/128 -j X');
  });

  it('returns null for anything outside the subset', () => {
    for (const r of [
      'ct state established counter packets 0 bytes 0 accept',
      'iifname "veth*" counter packets 0 bytes 0 accept',
      'tcp dport { 80, 443 } counter packets 0 bytes 0 accept',
      'counter packets 0 bytes 0 accept comment "x"',
      'counter packets 0 bytes 0 log',
      'tcp dport 80 udp dport 53 counter packets 0 bytes 0 accept',
    ]) {
      expect(ruleToIptables(r, 'ip'), r).toBeNull();
    }
  });
});
