'use client';

import { useEffect, useRef } from 'react';
import type { DockerNetwork } from '@/lib/snapshot/schema';
import { isNetworkHidden, type FilterState } from './filter-state';

export interface FiltersProps {
  networks: DockerNetwork[];
  value: FilterState;
  onChange: (next: FilterState) => void;
}

const checkbox = 'size-4 rounded accent-sky-600 focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:ring-offset-1 focus-visible:outline-none';

/** A disclosure with the per-network checkboxes and the two tag filters. */
export function Filters({ networks, value, onChange }: FiltersProps) {
  const ref = useRef<HTMLDetailsElement>(null);
  // A <details> used as a popover: close it on a click elsewhere, like a menu.
  useEffect(() => {
    const close = (e: PointerEvent) => {
      if (ref.current?.open && e.target instanceof Node && !ref.current.contains(e.target)) ref.current.open = false;
    };
    document.addEventListener('pointerdown', close);
    return () => document.removeEventListener('pointerdown', close);
  }, []);
  const hiddenCount = networks.filter((n) => isNetworkHidden(value, n.id)).length + Number(value.hideLoopbacks) + Number(value.hideHostAndNone);
  const setNetwork = (id: string, shown: boolean) =>
    onChange({
      ...value,
      hiddenNetworks: shown ? value.hiddenNetworks.filter((h) => !id.startsWith(h)) : [...value.hiddenNetworks, id],
    });

  return (
    <details
      ref={ref}
      className="relative"
      data-testid="filters"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && ref.current?.open) {
          ref.current.open = false;
          ref.current.querySelector('summary')?.focus();
        }
      }}
    >
      <summary className="cursor-pointer list-none rounded-md border border-slate-300 px-3 py-1.5 text-sm select-none hover:bg-slate-100 focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:outline-none dark:border-slate-600 dark:hover:bg-slate-800">
        Filters{hiddenCount > 0 ? ` (${hiddenCount} active)` : ''}
      </summary>
      <div className="absolute left-0 z-20 mt-1 w-72 space-y-3 rounded-md border border-slate-300 bg-white p-3 text-sm shadow-lg dark:border-slate-600 dark:bg-slate-900">
        <fieldset className="space-y-1">
          <legend className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">Docker networks</legend>
          {networks.length === 0 && <p className="text-slate-500 italic dark:text-slate-400">none</p>}
          {networks.map((n) => (
            <label key={n.id} className="flex items-center gap-2">
              <input type="checkbox" className={checkbox} checked={!isNetworkHidden(value, n.id)} onChange={(e) => setNetwork(n.id, e.target.checked)} />
              <span className="truncate font-mono">{n.name}</span>
              <span className="ml-auto text-xs text-slate-500 dark:text-slate-400">{n.driver}</span>
            </label>
          ))}
        </fieldset>
        <fieldset className="space-y-1">
          <legend className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">Hide</legend>
          <label className="flex items-center gap-2">
            <input type="checkbox" className={checkbox} checked={value.hideLoopbacks} onChange={(e) => onChange({ ...value, hideLoopbacks: e.target.checked })} />
            hide loopbacks
          </label>
          <label className="flex items-center gap-2">
            <input type="checkbox" className={checkbox} checked={value.hideHostAndNone} onChange={(e) => onChange({ ...value, hideHostAndNone: e.target.checked })} />
            hide host-mode and none containers
          </label>
        </fieldset>
      </div>
    </details>
  );
}
