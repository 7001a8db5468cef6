'use client';

import { useEffect, useState } from 'react';

/**
 * What the dashboard uses of `next/navigation`, for the offline page (no Next router there): the bundle maps the
 * module here (server/share/offline-assets.ts). The URL is the page's own; back/forward re-render like in the app.
 */
export function usePathname(): string {
  return window.location.pathname;
}

export function useSearchParams(): URLSearchParams {
  const [, setVisits] = useState(0);
  useEffect(() => {
    const update = () => setVisits((n) => n + 1);
    window.addEventListener('popstate', update);
    return () => window.removeEventListener('popstate', update);
  }, []);
  return new URLSearchParams(window.location.search);
}
