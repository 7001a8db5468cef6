import { sha256 } from './sha256';

/**
 * The self-contained HTML file: the offline app's script and style inlined, the snapshot envelope embedded as gzip
 * in base64 inside an inert `<script type="application/gzip">`. Base64's alphabet holds no character that could end
 * or bend an element (no `<`, `>`, `&`, quotes, U+2028/2029), so hostile names in the data cannot reach the markup
 * whatever they contain; gzip keeps a 300-container host's page near 1 MB. A CSP allows exactly the one script, by
 * its hash.
 */

/** Script text for an inline <script>: `</script` and `<!--` cannot appear in it (esbuild already avoids them in strings). */
export function scriptForHtml(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

const escapeText = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
// The CSP keeps its single quotes readable: inside a double-quoted attribute only & and " need escaping.
const escapeAttr = (s: string) => s.replace(/[&"]/g, (c) => `&#${c.charCodeAt(0)};`);

function base64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/** The embedded envelope's bytes (for readSnapshotFile), or null when the element's text is not base64. */
export function embeddedSnapshotBytes(text: string): Uint8Array | null {
  const b64 = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) return null;
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export const SNAPSHOT_ELEMENT_ID = 'netatlas-snapshot';
export const APP_ELEMENT_ID = 'netatlas-app';

export interface OfflinePage {
  /** The offline app (components/offline/entry.tsx, bundled). */
  js: string;
  css: string;
  /** The envelope as gzip-compressed JSON. */
  envelopeGz: Uint8Array;
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
    `<script type="application/gzip" id="${SNAPSHOT_ELEMENT_ID}">${base64(page.envelopeGz)}</script>`,
    `<script id="${APP_ELEMENT_ID}">${script}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
