import { sha256 } from './sha256';

/**
 * The self-contained HTML file: the offline app's script and style inlined, the snapshot envelope embedded as
 * inert JSON. Everything embedded is escaped for the one context it sits in, and a CSP allows exactly the one
 * script by its hash: a name like `</script><script>…` in the data stays text.
 */

/**
 * JSON for a `<script type="application/json">`: `<`, `>` and `&` (so no `</script>` or `<!--` can end or bend the
 * element) and U+2028/2029 (line terminators to older JS parsers) are written as \uXXXX escapes, which JSON.parse
 * reads back as the same characters. Outside strings JSON has none of these characters, so this never changes meaning.
 */
export function jsonForHtml(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Script text for an inline <script>: `</script` and `<!--` cannot appear in it (esbuild already avoids them in strings). */
export function scriptForHtml(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

const escapeText = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
// The CSP keeps its single quotes readable: inside a double-quoted attribute only & and " need escaping.
const escapeAttr = (s: string) => s.replace(/[&"]/g, (c) => `&#${c.charCodeAt(0)};`);

function base64(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

export const SNAPSHOT_ELEMENT_ID = 'netatlas-snapshot';
export const APP_ELEMENT_ID = 'netatlas-app';

export interface OfflinePage {
  /** The offline app (components/offline/entry.tsx, bundled). */
  js: string;
  css: string;
  /** The envelope as JSON text. */
  envelopeJson: string;
  /** Shown in the tab title. */
  title: string;
}

export function offlineHtml(page: OfflinePage): string {
  const script = scriptForHtml(page.js);
  const scriptHash = base64(sha256(script));
  // No network at all: the page has everything it needs; data: and blob: serve exported pictures and downloads.
  const csp = [
    "default-src 'none'",
    `script-src 'sha256-${scriptHash}'`,
    "style-src 'unsafe-inline'",
    'img-src data: blob:',
    "font-src 'none'",
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeText(page.title)}</title>`,
    `<style>${page.css.replace(/<\/(style)/gi, '<\\/$1')}</style>`,
    '</head>',
    '<body class="bg-slate-50 text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">',
    '<div id="root"></div>',
    `<script type="application/json" id="${SNAPSHOT_ELEMENT_ID}">${jsonForHtml(page.envelopeJson)}</script>`,
    `<script id="${APP_ELEMENT_ID}">${script}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
