import { makeEnvelope, NO_REDACTION, type Redaction } from '@/lib/share/envelope';
import { gzip } from '@/lib/share/gzip';
import { offlineHtml } from '@/lib/share/html';
import type { Snapshot } from '@/lib/snapshot/schema';

/** What the browser needs to write the self-contained page: the offline app's bundle. */
export interface OfflineAssets {
  js: string;
  css: string;
}

export type FileFormat = 'json' | 'json.gz' | 'html';

/** A file name that says what and when, from untrusted text: only [A-Za-z0-9._-] survive. */
export function exportName(s: Snapshot, ending: string): string {
  const host = s.host.hostname.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 40) || 'host';
  const when = s.host.collectedAt.replace(/[^0-9T]/g, '').slice(0, 15);
  return `netatlas-${host}-${when}${ending}`;
}

export async function snapshotFile(s: Snapshot, format: FileFormat, assets: OfflineAssets | null, redaction: Redaction = NO_REDACTION): Promise<Blob> {
  const json = JSON.stringify(await makeEnvelope(s, redaction));
  if (format === 'json.gz') return new Blob([(await gzip(json)) as Uint8Array<ArrayBuffer>], { type: 'application/gzip' });
  if (format === 'json') return new Blob([json], { type: 'application/json' });
  if (!assets) throw new Error('the offline page could not be built here');
  return new Blob([offlineHtml({ ...assets, envelopeGz: await gzip(json), title: `netatlas · ${s.host.hostname} · ${s.host.collectedAt}` })], { type: 'text/html' });
}

export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoked later: some browsers start reading the blob only after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The offline app's bundle from the server that served this page (`/api/offline-assets`). */
export async function fetchOfflineAssets(): Promise<OfflineAssets> {
  const res = await fetch('/api/offline-assets');
  if (!res.ok) throw new Error(`the server could not build the offline page (HTTP ${res.status})`);
  return (await res.json()) as OfflineAssets;
}
