'use client';

import type { ReactNode } from 'react';
import { ThemeToggle } from '@/components/dashboard/ThemeToggle';
import { FleetView } from './FleetView';

/** The fleet view's page: the header with the host picker, and the map of every host. */
export function FleetPage({ picker, onOpenHost }: { picker: ReactNode; onOpenHost: (host: string) => void }) {
  return (
    <div className="flex h-dvh flex-col">
      <header data-testid="header" className="flex flex-wrap items-center gap-x-4 gap-y-1 border-b border-slate-300 px-4 py-2 dark:border-slate-700">
        <h1 className="text-lg font-semibold">
          netatlas <span className="font-normal text-slate-500 dark:text-slate-400">· fleet</span>
        </h1>
        {picker}
        <div className="ml-auto">
          <ThemeToggle />
        </div>
      </header>
      <main className="min-h-0 flex-1">
        <FleetView onOpenHost={onOpenHost} />
      </main>
    </div>
  );
}
