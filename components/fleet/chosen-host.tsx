'use client';

import { createContext, useContext, useMemo } from 'react';

/** The fleet host on screen (`?host=`, `serve --hub`), or null for this server's own host. */
export const ChosenHost = createContext<string | null>(null);

/** Spread into a history procedure's input: whose history it reads (no `host`: this host's). */
export function useHostInput(): { host?: string } {
  const host = useContext(ChosenHost);
  return useMemo(() => (host ? { host } : {}), [host]);
}
