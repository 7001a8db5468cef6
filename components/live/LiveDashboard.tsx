'use client';

import { useQuery } from '@tanstack/react-query';
import { useMemo, useRef, useState, type ReactNode } from 'react';
import { Dashboard } from '@/components/Dashboard';
import type { LiveStatus } from '@/components/dashboard/StatusBadge';
import { TimeTravelBar } from '@/components/history/TimeTravelBar';
import { HistoryPanel } from '@/components/history/HistoryPanel';
import { useTimeTravel, type PastView } from '@/components/history/useTimeTravel';
import { fetchOfflineAssets } from '@/components/share/export-file';
import type { OpenedFile } from '@/components/share/open-file';
import type { ShareProps } from '@/components/share/ShareBar';
import { ShareLinks } from '@/components/share/ShareLinks';
import type { ShareSource } from '@/server/share/share-source';
import { ChosenHost } from '@/components/fleet/chosen-host';
import { useFleetHost } from '@/components/fleet/useFleetHost';
import { FleetPage } from '@/components/fleet/FleetPage';
import { HostPicker } from '@/components/fleet/HostPicker';
import { useChosenHost } from '@/components/fleet/useChosenHost';
import { useTRPC } from './trpc';
import { useLiveStream, type LiveState } from './useLiveStream';

export type { LiveState };
export type { LiveStatus };

const CURRENT: ShareSource = { kind: 'current' };
/** How often the picker's host list is asked for. */
const FLEET_REFRESH_MS = 5_000;

/** What a link to the moment on screen is made from: the saved snapshot by name, else the moment it was collected. */
function sourceOf(past: PastView | null): ShareSource {
  if (!past) return CURRENT;
  return past.ref.startsWith('name:') ? { kind: 'name', name: past.ref.slice('name:'.length) } : { kind: 'time', at: past.snapshot.host.collectedAt };
}

/**
 * Follows the live stream and, when the URL names a moment (`?at=`), shows the host as it was then instead. A file
 * opened from disk replaces either (read-only) until "Back to live"; the stream keeps running meanwhile. On a fleet
 * hub (`serve --hub`) the header's picker switches every panel to another host's newest state (`?host=`), or to
 * the fleet view (`?view=fleet`); history and time travel then read that host's history.
 */
export function LiveDashboard({ initial }: { initial: LiveState }) {
  const live = useLiveStream(initial);
  const [shown, choose] = useChosenHost();
  const trpc = useTRPC();
  // Not a hub: asked once, never again.
  const fleet = useQuery({ ...trpc.fleet.hosts.queryOptions(), refetchInterval: (q) => (q.state.data?.on === false ? false : FLEET_REFRESH_MS) });
  const picker = fleet.data?.on ? (
    <HostPicker hosts={fleet.data.hosts.map((h) => h.name)} self={live.snapshot?.host.hostname ?? null} shown={shown} onChoose={choose} />
  ) : null;
  if (shown.kind === 'fleet') return <FleetPage picker={picker} onOpenHost={(host) => choose({ kind: 'host', host })} />;
  const host = shown.kind === 'host' ? shown.host : null;
  return (
    <ChosenHost.Provider value={host}>
      {/* A new host is a new dashboard: no layout, selection or moment carries over from the last one. */}
      <HostDashboard key={host ?? ''} live={live} host={host} picker={picker} />
    </ChosenHost.Provider>
  );
}

function HostDashboard({ live, host, picker }: { live: ReturnType<typeof useLiveStream>; host: string | null; picker: ReactNode }) {
  const remote = useFleetHost(host);
  const travel = useTimeTravel();
  const connectedOnce = useRef(false);
  if (live.subscription === 'pending') connectedOnce.current = true;
  const remoteSnapshot = remote.state?.snapshot ?? null;
  const current = host ? remoteSnapshot : live.snapshot;
  const status: LiveStatus = host
    ? remoteSnapshot
      ? remoteSnapshot.host.docker.reachable
        ? 'live'
        : 'docker-unreachable'
      : 'connecting'
    : live.subscription === 'pending'
      ? live.snapshot.host.docker.reachable
        ? 'live'
        : 'docker-unreachable'
      : connectedOnce.current
        ? 'reconnecting'
        : 'connecting';
  const [opened, setOpened] = useState<OpenedFile | null>(null);
  const past = travel.past;
  const source = useMemo(() => sourceOf(past), [past]);
  // Links are made on the server from what it has (its own host, history, saved snapshots), never from a file the
  // browser opened or another host's state, so they are offered for those views only.
  const share = useMemo<ShareProps>(
    () => ({
      loadAssets: fetchOfflineAssets, onOpen: setOpened, opened, onClose: () => setOpened(null),
      linksMenu: opened || host ? undefined : (redact, setRedact) => <ShareLinks source={source} redact={redact} setRedact={setRedact} />,
    }),
    [opened, source, host],
  );
  // Keyed by the file: another host's picture starts from a fresh layout, fitted, not from the boxes of this one.
  if (opened) return <Dashboard key={`file ${opened.name}`} snapshot={opened.snapshot} status="file" lastChange={opened.snapshot.host.collectedAt} share={share} hostPicker={picker} />;
  const liveAt = current?.host.collectedAt ?? live.snapshot.host.collectedAt;
  return (
    <Dashboard
      snapshot={past ? past.snapshot : current}
      status={status}
      lastChange={current?.host.collectedAt ?? null}
      share={share}
      past={past !== null}
      // Live or a fleet host: rebuilt only when the structure changes, never for counters alone.
      structureKey={past ? `past ${past.ref} ${past.at}` : host ? `host ${remote.state?.structureAt}` : `live ${live.structureAt}`}
      timeline={
        <>
          {remote.error && (
            <p role="alert" data-testid="host-error" className="border-b border-slate-300 px-4 py-2 text-sm text-red-700 dark:border-slate-700 dark:text-red-300">
              {remote.error}
            </p>
          )}
          <TimeTravelBar travel={travel} liveAt={liveAt} />
        </>
      }
      historyPanel={<HistoryPanel travel={travel} liveAt={liveAt} />}
      hostPicker={picker}
    />
  );
}
