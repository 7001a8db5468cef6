'use client';

import type { ReactNode } from 'react';
import type { Snapshot } from '@/lib/snapshot/schema';
import { StatusBadge, type LiveStatus } from './StatusBadge';
import { ThemeToggle } from './ThemeToggle';

export interface HeaderProps {
  snapshot: Snapshot | null;
  status: LiveStatus;
  lastChange: string | null;
  /** The host picker (`serve --hub`), beside the host's name. */
  picker?: ReactNode;
}

export function Header({ snapshot, status, lastChange, picker }: HeaderProps) {
  const docker = snapshot?.host.docker;
  return (
    <header data-testid="header" className="flex flex-wrap items-center gap-x-4 gap-y-1 border-b border-slate-300 px-4 py-2 dark:border-slate-700">
      <h1 className="text-lg font-semibold">
        netatlas <span className="font-normal text-slate-500 dark:text-slate-400">· {snapshot?.host.hostname ?? '…'}</span>
      </h1>
      {picker}
      {docker && (
        <span className="text-sm text-slate-600 dark:text-slate-400">
          {docker.version ? `Docker ${docker.version}` : 'Docker version unknown'}
          {docker.apiVersion ? ` (API ${docker.apiVersion})` : ''}
        </span>
      )}
      <StatusBadge status={status} />
      <span className="text-sm text-slate-600 dark:text-slate-400">
        {status === 'file' ? 'captured' : 'last change'}{' '}
        {lastChange ? (
          // Local time differs between server and browser; the browser's is the one that matters.
          <time data-testid="last-change" dateTime={lastChange} title={lastChange} suppressHydrationWarning>
            {formatTime(lastChange)}
          </time>
        ) : (
          <span data-testid="last-change">—</span>
        )}
      </span>
      <div className="ml-auto flex items-center gap-3">
        {/* A server that reads the host (not a file, the offline page or a shared link) can compare its moments. */}
        {status !== 'file' && (
          <a href="/compare" className="text-sm text-sky-700 underline dark:text-sky-400">
            Compare
          </a>
        )}
        <ThemeToggle />
      </div>
    </header>
  );
}

function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const sameDay = d.toDateString() === new Date().toDateString();
  return sameDay ? d.toLocaleTimeString() : d.toLocaleString();
}
