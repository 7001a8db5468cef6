import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeEnvelope, readSnapshotFile } from './envelope';
import { formatForPath } from './formats';
import { gzip } from './gzip';
import { embeddedSnapshotBytes, offlineHtml, scriptForHtml, SNAPSHOT_ELEMENT_ID } from './html';

const HOSTILE = ['</script><script>alert(1)</script>', '<!--', '\u2028\u2029', '<img src=x onerror=alert(1)>', '</SCRIPT >', '&amp;'];
const lab = () => JSON.parse(readFileSync(new URL('../snapshot/__fixtures__/lab-snapshot.json', import.meta.url), 'utf8'));

async function hostilePage(js = 'console.log(1)') {
  const s = lab();
  s.docker.containers.forEach((c: { name: string }, i: number) => (c.name = HOSTILE[i % HOSTILE.length]));
  s.host.hostname = HOSTILE[0];
  const env = await makeEnvelope(s);
  return { html: offlineHtml({ js, css: 'body{}', envelopeGz: await gzip(JSON.stringify(env)), title: `netatlas · ${HOSTILE[0]}` }), env };
}

const dataOf = (html: string) => new RegExp(`<script type="application/gzip" id="${SNAPSHOT_ELEMENT_ID}">([^<]*)</script>`).exec(html)?.[1];

describe('the offline page', () => {
  it('hostile names never reach the markup: the data is base64, and it reads back to the same snapshot', async () => {
    const { html, env } = await hostilePage();
    expect(html.match(/<script/gi)).toHaveLength(2);
    expect(html.match(/<\/script>/gi)).toHaveLength(2);
    expect(html).not.toContain('<!--');
    expect(html).not.toMatch(/[\u2028\u2029]/);
    // Only the (escaped) title names the host; nowhere else does any of the data appear as text.
    expect(html.replace(/<title>.*<\/title>/, '')).not.toContain('alert(1)');
    expect(html).toContain('<title>netatlas · &#60;/script&#62;&#60;script&#62;alert(1)&#60;/script&#62;</title>');
    const bytes = embeddedSnapshotBytes(dataOf(html)!);
    const r = await readSnapshotFile(bytes!);
    if (!r.ok) throw new Error(r.error);
    expect(r.snapshot).toEqual(env.snapshot);
    expect(r.snapshot.docker!.containers[0].name).toBe(HOSTILE[0]);
  });

  it('only one script may run, the app, allowed by the SHA-256 of its text exactly as embedded', async () => {
    const js = 'document.title = "</script><!--"';
    const { html } = await hostilePage(js);
    const { createHash } = await import('node:crypto');
    const expected = createHash('sha256').update(scriptForHtml(js)).digest('base64');
    expect(html).toContain(`script-src 'sha256-${expected}'`);
    expect(html).toContain(`>${scriptForHtml(js)}</script>`);
    expect(html).toContain("default-src 'none'");
    expect(html).toContain("connect-src 'none'");
    expect(scriptForHtml('a</script>b<!--c')).toBe('a<\\/script>b<\\!--c');
  });

  it('embeddedSnapshotBytes refuses text that is not base64', () => {
    expect(embeddedSnapshotBytes('<script>')).toBeNull();
    expect(embeddedSnapshotBytes('abc')).toBeNull();
    expect([...embeddedSnapshotBytes('H4s=')!]).toEqual([0x1f, 0x8b]);
  });
});

describe('formatForPath', () => {
  it('follows the ending', () => {
    expect(formatForPath('a.netatlas.json.gz')).toBe('json.gz');
    expect(formatForPath('A.JSON')).toBe('json');
    expect(formatForPath('x.json.gz')).toBe('json.gz');
    expect(formatForPath('page.html')).toBe('html');
    expect(formatForPath('g.svg')).toBe('svg');
    expect(formatForPath('g.png')).toBeNull();
    expect(formatForPath('snapshot')).toBeNull();
  });
});
