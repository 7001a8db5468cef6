import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formQuery } from '../../components/panels/paths/custom';
import { parseSnapshot } from '../../lib/snapshot/schema';
import { queryFromFlags } from './trace';

/**
 * `netatlas trace --from X --to Y` and the Paths panel's form (From X, To Y, port and protocol left to `to`) read
 * the same grammar: every input resolves to the same query, or fails with the same message for the same field.
 */

const s = parseSnapshot(JSON.parse(readFileSync(new URL('../../lib/snapshot/__fixtures__/lab-snapshot.json', import.meta.url), 'utf8')));
const web = s.docker!.containers.find((c) => c.name === 'lab-web')!.id;
const demo = s.namespaces.find((n) => n.kind === 'named')!.id;

const INPUTS: [from: string, to: string][] = [
  ['lab-web', 'lab-db:80'],
  ['/lab-web', 'lab-db/icmp'],
  [web.slice(0, 5), '198.18.1.3:80/udp'],
  ['HOST', '127.0.0.1:18081'],
  ['netatlas-demo', '198.19.255.1:18080/tcp'],
  [demo, '[fd00::2]:18080'],
  ['198.19.255.2', 'lab-web'],
  ['198.18.0.2', 'fd00::2'],
  ['127.0.0.1', '198.18.1.3:443'],
  ['198.51.100.7@eth0', '192.0.2.2:18080'],
  ['2001:db8::7@eth0', '[fd00::2]:80/tcp'],
  ['198.51.100.7', '203.0.113.9:443'],
  // Errors, per field.
  ['', ''],
  ['lab-nope', 'lab-db'],
  ['lab-web', 'lab-nope:80'],
  ['198.51.100.7@eth9', 'lab-db:80'],
  ['198.51.100.7@bad/if', 'lab-db:80'],
  ['300.1.1.1@eth0', 'lab-db:80'],
  ['lab-web', 'lab-db:99999'],
  ['lab-web', 'lab-db:http'],
  ['lab-web', 'lab-db:80/sctp'],
  ['lab-web', 'lab-db:80/icmp'],
  ['lab-web', '[1.2.3.4]:80'],
  ['lab-web', 'host:80'],
  ['lab-web', 'netatlas-demo:80'],
  ['198.51.100.7@eth0', '[fd00::2]:80'],
  ['x'.repeat(300), 'y'.repeat(300)],
];

describe('one query grammar for the CLI and the Paths form', () => {
  it.each(INPUTS)('--from %j --to %j', (from, to) => {
    const cli = queryFromFlags(s, from, to);
    const form = formQuery(s, { from, to, port: '', protocol: '' });
    if (cli.ok) expect(form).toEqual(cli);
    else expect(form).toEqual({ ok: false, errors: cli.errors });
  });

  it('the table covers both answers and every field the flags can get wrong', () => {
    const results = INPUTS.map(([from, to]) => queryFromFlags(s, from, to));
    expect(results.filter((r) => r.ok).length).toBeGreaterThanOrEqual(12);
    const fields = new Set(results.flatMap((r) => (r.ok ? [] : Object.keys(r.errors))));
    // 'protocol' can only be wrong in the form's own field: a bad `/proto` is an error of `to`.
    expect([...fields].sort()).toEqual(['from', 'port', 'to']);
  });

  it('the CLI names the flag each message is about', () => {
    const r = queryFromFlags(s, 'lab-nope', 'lab-db:80/sctp');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/^--from 'lab-nope': Unknown source "lab-nope".*; --to 'lab-db:80\/sctp': Unknown protocol "sctp"/);
  });
});
