'use client';

import type { Shown } from './useChosenHost';

const FLEET = ':fleet'; // no host name has a colon (isHostName)
const SELF = '';

/**
 * The header's host picker (`serve --hub`): this server's own host, each host an agent reports, and the fleet view.
 * Host names are untrusted: they are only ever text (option labels), never markup.
 */
export function HostPicker({ hosts, self, shown, onChoose }: { hosts: string[]; self: string | null; shown: Shown; onChoose: (s: Shown) => void }) {
  const value = shown.kind === 'fleet' ? FLEET : shown.kind === 'host' ? shown.host : SELF;
  // A host in the URL that has not reported (yet) stays choosable, so the select shows what the page shows.
  const names = (shown.kind === 'host' && !hosts.includes(shown.host) ? [...hosts, shown.host] : [...hosts]).sort();
  return (
    <label className="flex items-center gap-2 text-sm">
      <span className="text-slate-600 dark:text-slate-400">Host</span>
      <select
        data-testid="host-picker"
        value={value}
        onChange={(e) => {
          const v = e.target.value;
          onChoose(v === FLEET ? { kind: 'fleet' } : v === SELF ? { kind: 'self' } : { kind: 'host', host: v });
        }}
        className="rounded-md border border-slate-300 bg-white px-2 py-1 dark:border-slate-600 dark:bg-slate-900"
      >
        <option value={SELF}>this server{self ? ` (${self})` : ''}</option>
        <option value={FLEET}>Fleet view ({hosts.length} hosts)</option>
        {names.map((h) => (
          <option key={h} value={h}>
            {h}
          </option>
        ))}
      </select>
    </label>
  );
}
