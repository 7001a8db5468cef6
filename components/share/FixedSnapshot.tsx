'use client';

import { useMemo, useState } from 'react';
import { Dashboard } from '@/components/Dashboard';
import { fetchOfflineAssets } from './export-file';
import type { OpenedFile } from './open-file';
import type { ShareProps } from './ShareBar';
import { ShareLinks } from './ShareLinks';

const CURRENT = { kind: 'current' } as const;

/**
 * One snapshot, read-only, with the full dashboard and no live stream: a share link's page (`/s/<id>`) and the
 * file `netatlas open` serves. `offlineAssets`: whether this page may fetch the offline page's bundle (a share
 * link may not: it reads its snapshot and static files only); `links`: whether it may make share links of the
 * file (`netatlas open`, inside TrpcProviders; the server shares the same file).
 */
export function FixedSnapshot({ file, offlineAssets, links = false }: { file: OpenedFile; offlineAssets: boolean; links?: boolean }) {
  const [opened, setOpened] = useState(file);
  const share = useMemo<ShareProps>(
    () => ({
      loadAssets: offlineAssets ? fetchOfflineAssets : null, onOpen: setOpened, opened, onClose: opened === file ? null : () => setOpened(file),
      linksMenu: links && opened === file ? (redact, setRedact) => <ShareLinks source={CURRENT} redact={redact} setRedact={setRedact} /> : undefined,
    }),
    [opened, file, offlineAssets, links],
  );
  // Keyed by the file: another host's picture starts from a fresh layout, fitted, not from the boxes of this one.
  return <Dashboard key={`file ${opened.name}`} snapshot={opened.snapshot} status="file" lastChange={opened.snapshot.host.collectedAt} share={share} />;
}
