'use client';

import { useEffect, useRef, useState, type ReactNode } from 'react';
import { describeRedaction, redactSnapshot, REDACTION_OPTIONS, type RedactionOption } from '@/lib/share/redact';
import type { Snapshot } from '@/lib/snapshot/schema';
import { download, exportName, snapshotFile, type FileFormat, type OfflineAssets } from './export-file';
import { graphPng, graphSvg } from './graph-picture';
import { openSnapshotFile, type OpenedFile } from './open-file';

export interface ShareProps {
  /** Loads the offline app for an .html export; null where that cannot be offered. */
  loadAssets: (() => Promise<OfflineAssets>) | null;
  /** Shows a file the user picked or dropped (validated before this is called). */
  onOpen: (file: OpenedFile) => void;
  /** The file being viewed, if any. */
  opened: OpenedFile | null;
  /** Leaves the file; null where there is nothing to go back to (the offline page). */
  onClose: (() => void) | null;
  /**
   * The Share menu (links, components/share/ShareLinks.tsx), given the redaction chosen here; absent where the page
   * cannot make links (the offline page, a share link's own page, a file opened in the browser).
   */
  linksMenu?: (redact: ReadonlySet<RedactionOption>, setRedact: (v: ReadonlySet<RedactionOption>) => void) => ReactNode;
}

type Item = { id: string; label: string; run: (s: Snapshot) => Promise<void>; picture?: boolean };

function topologySvg(): SVGSVGElement {
  const svg = document.querySelector<SVGSVGElement>('svg[data-testid="topology"]');
  if (!svg) throw new Error('no graph is drawn');
  return svg;
}

/** The toolbar's Export menu and Open file…, plus dropping a file anywhere on the page. */
export function ShareBar({ snapshot, share }: { snapshot: Snapshot; share: ShareProps }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [redact, setRedact] = useState<ReadonlySet<RedactionOption>>(new Set());
  const menu = useRef<HTMLDetailsElement>(null);
  const input = useRef<HTMLInputElement>(null);

  const open = async (file: File | undefined) => {
    if (!file) return;
    const r = await openSnapshotFile(file);
    if (r.ok) {
      setError(null);
      share.onOpen(r.file);
    } else setError(r.error);
  };
  const openRef = useRef(open);
  openRef.current = open;

  useEffect(() => {
    const over = (e: DragEvent) => {
      if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
    };
    const drop = (e: DragEvent) => {
      if (!e.dataTransfer?.files.length) return;
      e.preventDefault();
      void openRef.current(e.dataTransfer.files[0]);
    };
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  }, []);

  // Files carry the redacted snapshot and say what was redacted; pictures show what is on screen, so they are
  // offered only while nothing is to be redacted.
  const file = (format: FileFormat, ending: string) => async (s: Snapshot) => {
    const shared = redact.size ? redactSnapshot(s, redact) : s;
    const redaction = { applied: [...redact], described: redact.size ? describeRedaction(redact) : [] };
    const assets = format === 'html' && share.loadAssets ? await share.loadAssets() : null;
    download(await snapshotFile(shared, format, assets, redaction), exportName(shared, ending));
  };
  const items: Item[] = [
    { id: 'gz', label: 'Snapshot (.netatlas.json.gz)', run: file('json.gz', '.netatlas.json.gz') },
    { id: 'json', label: 'Snapshot (.json)', run: file('json', '.json') },
    ...(share.loadAssets ? [{ id: 'html', label: 'Page that opens offline (.html)', run: file('html', '.html') }] : []),
    { id: 'svg', label: 'Picture of the graph (.svg)', picture: true, run: async (s: Snapshot) => download(new Blob([graphSvg(topologySvg()).text], { type: 'image/svg+xml' }), exportName(s, '.svg')) },
    { id: 'png', label: 'Picture of the graph (.png)', picture: true, run: async (s: Snapshot) => download(await graphPng(topologySvg()), exportName(s, '.png')) },
  ];

  const run = async (item: Item) => {
    menu.current?.removeAttribute('open');
    setBusy(true);
    try {
      await item.run(snapshot);
      setError(null);
    } catch (e) {
      // Export runs browser APIs that report failure only by throwing (canvas, image decoding, a failed fetch).
      setError(`Export failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setBusy(false);
    }
  };

  const button = 'rounded-md border border-slate-300 px-2.5 py-1 text-sm hover:bg-slate-100 focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:outline-none dark:border-slate-600 dark:hover:bg-slate-800';
  return (
    <div className="flex items-center gap-2">
      <details ref={menu} className="relative" data-testid="export-menu">
        <summary className={`${button} cursor-pointer list-none`} aria-busy={busy}>
          Export{busy ? '…' : ''}
        </summary>
        <div className="absolute right-0 z-30 mt-1 w-[26rem] rounded-md border border-slate-300 bg-white py-1 shadow-lg dark:border-slate-600 dark:bg-slate-900">
          <ul>
            {items.map((item) => (
              <li key={item.id}>
                <button
                  type="button"
                  data-testid={`export-${item.id}`}
                  disabled={item.picture && redact.size > 0}
                  title={item.picture && redact.size > 0 ? 'A picture shows what is on screen: clear the redaction to export one' : undefined}
                  onClick={() => void run(item)}
                  className="w-full px-3 py-1.5 text-left text-sm hover:bg-slate-100 disabled:text-slate-400 disabled:hover:bg-transparent dark:hover:bg-slate-800"
                >
                  {item.label}
                </button>
              </li>
            ))}
          </ul>
          <RedactionFieldset value={redact} onChange={setRedact} />
        </div>
      </details>
      {share.linksMenu?.(redact, setRedact)}
      <button type="button" className={button} onClick={() => input.current?.click()} data-testid="open-file">
        Open file…
      </button>
      <input
        ref={input}
        type="file"
        accept=".gz,.json,.html,application/json,application/gzip,text/html"
        className="hidden"
        data-testid="open-file-input"
        onChange={(e) => {
          void open(e.target.files?.[0]);
          e.target.value = '';
        }}
      />
      {error && (
        <p role="alert" data-testid="share-error" className="max-w-md text-sm text-red-700 dark:text-red-300">
          {error}
        </p>
      )}
    </div>
  );
}

/**
 * The redaction options and the preview of what will leave: one choice for Export and Share (the Share menu's copy
 * has its test ids prefixed, `share-`).
 */
export function RedactionFieldset({ value: redact, onChange: setRedact, testPrefix = '', what = 'a file' }: {
  value: ReadonlySet<RedactionOption>; onChange: (v: ReadonlySet<RedactionOption>) => void; testPrefix?: string; what?: string;
}) {
  return (
    <fieldset className="border-t border-slate-200 px-3 py-2 text-sm dark:border-slate-700">
      <legend className="pt-1 font-semibold">Redact before {what === 'a file' ? 'export' : 'sharing'}</legend>
      <div className="flex flex-wrap gap-x-3 gap-y-1">
        {REDACTION_OPTIONS.map((o) => (
          <label key={o} className="inline-flex items-center gap-1">
            <input
              type="checkbox"
              data-testid={`${testPrefix}redact-${o}`}
              checked={redact.has(o)}
              onChange={(e) => {
                const next = new Set(redact);
                if (e.target.checked) next.add(o);
                else next.delete(o);
                setRedact(next);
              }}
            />
            {o}
          </label>
        ))}
      </div>
      <p className="mt-2 text-xs font-semibold">What {what} will carry:</p>
      <ul data-testid={`${testPrefix}redaction-preview`} className="mt-1 max-h-48 list-disc overflow-y-auto pl-4 text-xs text-slate-600 dark:text-slate-400">
        {describeRedaction(redact).map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
    </fieldset>
  );
}

/** Says that what is shown is a saved file, not the host now. */
export function FileBanner({ opened, onClose }: { opened: OpenedFile; onClose: (() => void) | null }) {
  const redacted = opened.header?.redaction.applied ?? [];
  return (
    <div role="status" data-testid="file-banner" className="flex flex-wrap items-center gap-3 border-b border-sky-300 bg-sky-50 px-4 py-1.5 text-sm text-sky-900 dark:border-sky-800 dark:bg-sky-950 dark:text-sky-100">
      <span>
        Viewing {opened.kind ?? 'file'} <strong data-testid="file-name">{opened.name}</strong> — a snapshot of {opened.snapshot.host.hostname} taken {opened.snapshot.host.collectedAt}, read-only
        {redacted.length > 0 ? ` (redacted: ${redacted.join(', ')})` : ''}.
      </span>
      {onClose && (
        <button type="button" onClick={onClose} data-testid="back-to-live" className="rounded border border-sky-400 px-2 py-0.5 hover:bg-sky-100 dark:border-sky-700 dark:hover:bg-sky-900">
          Back to live
        </button>
      )}
    </div>
  );
}
