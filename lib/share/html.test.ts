import { describe, expect, it } from 'vitest';
import { formatForPath } from './formats';
import { jsonForHtml, offlineHtml, scriptForHtml, SNAPSHOT_ELEMENT_ID } from './html';

const HOSTILE = ['</script><script>alert(1)</script>', '<!--', '\u2028\u2029', '<img src=x onerror=alert(1)>', '</SCRIPT >', '&amp;'];

describe('embedding data in HTML', () => {
  it('escapes every character that could end or bend the script element, and JSON.parse reads it back', () => {
    const json = JSON.stringify({ names: HOSTILE });
    const safe = jsonForHtml(json);
    expect(safe).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(safe)).toEqual({ names: HOSTILE });
  });

  it('the page holds the data in one inert element and the app in one script, allowed by its hash', () => {
    const html = offlineHtml({ js: 'console.log("</script>", "<!--")', css: 'body{}', envelopeJson: JSON.stringify({ n: HOSTILE }), title: 'x</title><script>' });
    expect(html.match(/<script/gi)).toHaveLength(2);
    expect(html.match(/<\/script>/gi)).toHaveLength(2);
    expect(html).not.toContain('<!--');
    expect(html).toContain(`<script type="application/json" id="${SNAPSHOT_ELEMENT_ID}">`);
    expect(html).toMatch(/script-src 'sha256-[A-Za-z0-9+/]+=*'/);
    expect(html).toContain('<title>x&#60;/title&#62;&#60;script&#62;</title>');
    expect(scriptForHtml('a</script>b<!--c')).toBe('a<\\/script>b<\\!--c');
  });

  it('the CSP hash is the SHA-256 of the script exactly as embedded', async () => {
    const js = 'document.title = "</script>"';
    const html = offlineHtml({ js, css: '', envelopeJson: '{}', title: 't' });
    const { createHash } = await import('node:crypto');
    const expected = createHash('sha256').update(scriptForHtml(js)).digest('base64');
    expect(html).toContain(`'sha256-${expected}'`);
    expect(html).toContain(`>${scriptForHtml(js)}</script>`);
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
