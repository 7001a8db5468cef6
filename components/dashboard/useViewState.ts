'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { usePathname, useSearchParams } from 'next/navigation';
import { filtersFromParams, filtersToParams, type FilterState } from '../controls/filter-state';

export type SidebarTab = 'details' | 'firewall' | 'paths' | 'findings' | 'reach' | 'history';

const TAB_PARAMS: readonly SidebarTab[] = ['firewall', 'paths', 'findings', 'reach', 'history'];

export interface ViewState {
  selectedId: string | null;
  filters: FilterState;
  /** The sidebar tab; `?tab=firewall` / `paths` / `findings` / `reach` / `history` open those panels (details is the default and is not written). */
  tab: SidebarTab;
}

function fromParams(p: URLSearchParams): ViewState {
  return { selectedId: p.get('sel') || null, filters: filtersFromParams(p), tab: TAB_PARAMS.find((t) => t === p.get('tab')) ?? 'details' };
}

/**
 * Selection, filters and sidebar tab, mirrored in the URL (`?sel=…&hide=…&lo=…&hm=…&tab=firewall|paths|findings|reach|history`) so a link reopens the same view.
 * The state is local first and the URL follows through history.replaceState (which Next tracks): a router.replace
 * would be a round trip to this dynamic page's server for every click. URL changes we did not make (a pasted link, back/forward) are adopted.
 */
export function useViewState(): [ViewState, (patch: Partial<ViewState>) => void] {
  const pathname = usePathname();
  const params = useSearchParams();
  const urlKey = params.toString();
  const [view, setView] = useState(() => fromParams(new URLSearchParams(urlKey)));
  const current = useRef(view);
  // Query strings we asked for and have not seen come back yet; an echo of one of ours is not an outside change.
  const pending = useRef<string[]>([]);
  const seen = useRef(urlKey);

  useEffect(() => {
    if (urlKey === seen.current) return;
    seen.current = urlKey;
    const i = pending.current.indexOf(urlKey);
    if (i >= 0) {
      pending.current.splice(0, i + 1);
      return;
    }
    current.current = fromParams(new URLSearchParams(urlKey));
    setView(current.current);
  }, [urlKey]);

  const update = useCallback(
    (patch: Partial<ViewState>) => {
      const next = { ...current.current, ...patch };
      current.current = next;
      setView(next);
      // Start from the live URL so parameters owned by others survive.
      const p = new URLSearchParams(window.location.search);
      if (next.selectedId) p.set('sel', next.selectedId);
      else p.delete('sel');
      filtersToParams(next.filters, p);
      if (next.tab !== 'details') p.set('tab', next.tab);
      else p.delete('tab');
      const qs = p.toString();
      // Compare with the URL we will end up at (the last one asked for), not the one last seen: they differ in flight.
      if (qs === (pending.current.at(-1) ?? seen.current)) return;
      pending.current.push(qs);
      window.history.replaceState(window.history.state, '', qs ? `${pathname}?${qs}` : pathname);
    },
    [pathname],
  );

  return [view, update];
}
