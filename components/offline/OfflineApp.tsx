'use client';

import { useEffect, useMemo, useState } from 'react';
import { readSnapshotFile } from '@/lib/share/envelope';
import { APP_ELEMENT_ID, embeddedSnapshotBytes } from '@/lib/share/html';
import { Dashboard } from '@/components/Dashboard';
import type { OfflineAssets } from '@/components/share/export-file';
import type { OpenedFile } from '@/components/share/open-file';
import type { ShareProps } from '@/components/share/ShareBar';

/** The page's own script and style, so the offline page can write another page like itself. */
async function ownAssets(): Promise<OfflineAssets> {
  const js = document.getElementById(APP_ELEMENT_ID)?.textContent;
  const css = document.querySelector('head > style')?.textContent;
  if (!js || css === undefined || css === null) throw new Error('this page does not carry its own app');
  return { js, css };
}

function pageName(): string {
  const last = window.location.pathname.split('/').pop() || 'snapshot.html';
  try {
    return decodeURIComponent(last);
  } catch {
    return last; // a malformed escape in the name: show it as it is
  }
}

/**
 * The self-contained page: the real dashboard over the snapshot embedded in it, frozen. The embedded data goes
 * through the same checks as any file before anything renders.
 */
export function OfflineApp({ embedded }: { embedded: string }) {
  const [state, setState] = useState<{ opened: OpenedFile } | { error: string } | null>(null);
  useEffect(() => {
    const bytes = embeddedSnapshotBytes(embedded);
    if (!bytes) {
      setState({ error: 'its embedded data is not base64' });
      return;
    }
    void readSnapshotFile(bytes).then((r) =>
      setState(r.ok ? { opened: { name: pageName(), snapshot: r.snapshot, header: r.envelope } } : { error: r.error }),
    );
  }, [embedded]);
  const opened = state && 'opened' in state ? state.opened : null;
  const share = useMemo<ShareProps>(() => ({ loadAssets: ownAssets, onOpen: (f) => setState({ opened: f }), opened, onClose: null }), [opened]);

  if (state && 'error' in state) {
    return (
      <p role="alert" data-testid="offline-error" className="p-8 text-red-700">
        This page&apos;s snapshot cannot be shown: {state.error}
      </p>
    );
  }
  return <Dashboard snapshot={opened?.snapshot ?? null} status="file" lastChange={opened?.snapshot.host.collectedAt ?? null} share={share} />;
}
