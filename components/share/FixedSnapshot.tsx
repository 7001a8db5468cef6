'use client';

import { useMemo, useState } from 'react';
import { Dashboard } from '@/components/Dashboard';
import { fetchOfflineAssets } from './export-file';
import type { OpenedFile } from './open-file';
import type { ShareProps } from './ShareBar';

/**
 * One snapshot, read-only, with the full dashboard and no live stream: a share link's page (`/s/<id>`) and the
 * file `netatlas open` serves. `offlineAssets`: whether this page may fetch the offline page's bundle (a share
 * link may not: it reads its snapshot and static files only).
 */
export function FixedSnapshot({ file, offlineAssets }: { file: OpenedFile; offlineAssets: boolean }) {
  const [opened, setOpened] = useState(file);
  const share = useMemo<ShareProps>(
    () => ({ loadAssets: offlineAssets ? fetchOfflineAssets : null, onOpen: setOpened, opened, onClose: opened === file ? null : () => setOpened(file) }),
    [opened, file, offlineAssets],
  );
  return <Dashboard snapshot={opened.snapshot} status="file" lastChange={opened.snapshot.host.collectedAt} share={share} />;
}
