import { describe, expect, it } from 'vitest';
import { main } from '../cli/main';
import { resolveServeOptions } from './options';

describe('netatlas serve options', () => {
  it('defaults to 127.0.0.1:4100, takes HOST/PORT/NETATLAS_TOKEN, and flags win over the environment', () => {
    const plain = resolveServeOptions({}, { HOME: '/home/x' }, '/app');
    expect(plain).toEqual({ ok: true, options: expect.objectContaining({ host: '127.0.0.1', port: 4100, dataDir: expect.stringMatching(/\/netatlas$/), token: undefined }) });
    const env = resolveServeOptions({}, { HOST: '0.0.0.0', PORT: '4200', NETATLAS_TOKEN: 't' }, '/app');
    expect(env).toMatchObject({ ok: true, options: { host: '0.0.0.0', port: 4200, token: 't' } });
    const flags = resolveServeOptions({ host: '::', port: '4300', data: '/d', 'token-file': '/f' }, { HOST: '0.0.0.0', PORT: '4200', NETATLAS_TOKEN: 't' }, '/app');
    expect(flags).toMatchObject({ ok: true, options: { host: '::', port: 4300, dataDir: '/d', tokenFile: '/f', token: undefined } });
  });

  it('says what is wrong with a bad port, half a TLS pair or a bad public name', () => {
    for (const port of ['0', '70000', '41x', '']) expect(resolveServeOptions({ port }, {}, '/app')).toMatchObject({ ok: false, error: expect.stringContaining('--port') });
    expect(resolveServeOptions({ 'tls-cert': 'c.pem' }, {}, '/app')).toMatchObject({ ok: false, error: expect.stringContaining('go together') });
    expect(resolveServeOptions({ 'public-name': 'a b' }, {}, '/app')).toMatchObject({ ok: false, error: expect.stringContaining('--public-name') });
    expect(resolveServeOptions({ 'public-name': 'atlas.example.org:443' }, {}, '/app')).toMatchObject({ ok: true });
  });

  it('--hub needs a database (--pg or NETATLAS_PG); --pg alone is a mistake', () => {
    expect(resolveServeOptions({ hub: true }, {}, '/app')).toMatchObject({ ok: false, error: expect.stringContaining('--pg') });
    expect(resolveServeOptions({ pg: 'postgres://x' }, {}, '/app')).toMatchObject({ ok: false, error: '--pg goes with --hub' });
    expect(resolveServeOptions({ hub: true, pg: 'postgres://x' }, {}, '/app')).toMatchObject({ ok: true, options: { hub: { pg: 'postgres://x' } } });
    expect(resolveServeOptions({ hub: true }, { NETATLAS_PG: 'postgres://y' }, '/app')).toMatchObject({ ok: true, options: { hub: { pg: 'postgres://y' } } });
    expect(resolveServeOptions({}, { NETATLAS_PG: 'postgres://y' }, '/app')).toMatchObject({ ok: true, options: { hub: undefined } });
  });

  it('rejects unknown options with the usage, before starting anything', async () => {
    const err: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((s: string) => (err.push(s), true)) as typeof process.stderr.write;
    try {
      expect(await main(['serve', '--hostname', 'x'])).toBe(2);
    } finally {
      process.stderr.write = write;
    }
    expect(err.join('')).toContain("unknown option '--hostname'");
    expect(err.join('')).toContain('--token-file FILE');
  });
});
