'use client';

import { usePathname, useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useState } from 'react';
import { isHostName } from '@/lib/fleet/protocol';

/** What the page shows: this server's own host, one fleet host (`?host=NAME`), or the fleet view (`?view=fleet`). */
export type Shown = { kind: 'self' } | { kind: 'host'; host: string } | { kind: 'fleet' };

function fromParams(p: URLSearchParams): Shown {
  if (p.get('view') === 'fleet') return { kind: 'fleet' };
  const host = p.get('host');
  return host && isHostName(host) ? { kind: 'host', host } : { kind: 'self' };
}

/**
 * The host picker's state, in the URL so a link opens the same host. Switching drops the moment (`at`) and the
 * selection (`sel`): both belong to the host they were chosen on. Local first, the URL follows (as useTimeTravel).
 */
export function useChosenHost(): [Shown, (next: Shown) => void] {
  const pathname = usePathname();
  const urlKey = useSearchParams().toString();
  const [shown, setShown] = useState(() => fromParams(new URLSearchParams(urlKey)));
  useEffect(() => setShown(fromParams(new URLSearchParams(urlKey))), [urlKey]);
  const choose = useCallback(
    (next: Shown) => {
      setShown(next);
      const p = new URLSearchParams(window.location.search);
      for (const k of ['host', 'view', 'at', 'sel']) p.delete(k);
      if (next.kind === 'host') p.set('host', next.host);
      if (next.kind === 'fleet') p.set('view', 'fleet');
      const qs = p.toString();
      window.history.replaceState(window.history.state, '', qs ? `${pathname}?${qs}` : pathname);
    },
    [pathname],
  );
  return [shown, choose];
}
