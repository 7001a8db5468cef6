import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { describe, expect, it } from 'vitest';
import { CSRF_HEADER } from '../../lib/web/csrf';
import { csrfSecret } from '../serve/csrf';
import { publicProcedure, router, writeProcedure } from './init';

// The guard every state-changing procedure uses, on a tiny router with one real mutation (a counter).
let count = 0;
const testRouter = router({
  bump: writeProcedure.mutation(() => ++count),
  read: publicProcedure.query(() => count),
});

const HOST = '127.0.0.1:4100';
function call(headers: Record<string, string>, body = '{}', contentType = 'application/json') {
  const req = new Request(`http://${HOST}/api/trpc/bump`, { method: 'POST', headers: { host: HOST, 'content-type': contentType, ...headers }, body });
  return fetchRequestHandler({ endpoint: '/api/trpc', req, router: testRouter, createContext: () => ({ headers: req.headers }) });
}

describe('the write guard', () => {
  it('runs a mutation sent by the page: same origin and the CSRF secret', async () => {
    const before = count;
    const r = await call({ origin: `http://${HOST}`, [CSRF_HEADER]: csrfSecret() });
    expect(r.status).toBe(200);
    expect(count).toBe(before + 1);
    const viaFetchMetadata = await call({ 'sec-fetch-site': 'same-origin', [CSRF_HEADER]: csrfSecret() });
    expect(viaFetchMetadata.status).toBe(200);
  });

  it('refuses cross-origin requests, form posts and requests without the secret, changing nothing', async () => {
    const before = count;
    const attempts: Record<string, string>[] = [
      { origin: 'http://evil.example', [CSRF_HEADER]: csrfSecret() },
      { 'sec-fetch-site': 'cross-site', [CSRF_HEADER]: csrfSecret() },
      { 'sec-fetch-site': 'same-site', [CSRF_HEADER]: csrfSecret() }, // another port on the same host
      { origin: `http://${HOST}` }, // no secret
      { origin: `http://${HOST}`, [CSRF_HEADER]: 'guessed' },
      { origin: 'null', 'sec-fetch-site': 'cross-site', [CSRF_HEADER]: csrfSecret() }, // a sandboxed frame
      { [CSRF_HEADER]: csrfSecret() }, // neither Origin nor Sec-Fetch-Site: not from our page
    ];
    for (const headers of attempts) expect((await call(headers)).status, JSON.stringify(headers)).toBe(403);
    // An HTML form can post across sites, but can neither set the header nor send JSON.
    const form = await call({ origin: 'http://evil.example' }, 'x=1', 'application/x-www-form-urlencoded');
    expect(form.status).toBeGreaterThanOrEqual(400);
    expect(count).toBe(before);
  });
});
