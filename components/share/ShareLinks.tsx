'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { LIMITS } from '@/lib/limits';
import type { RedactionOption } from '@/lib/share/redact';
import type { ShareSource } from '@/server/share/share-source';
import { useTRPC } from '@/components/live/trpc';
import { RedactionFieldset } from './ShareBar';

const EXPIRY_DAYS = [1, LIMITS.shareLinkDefaultDays, 30, LIMITS.shareLinkMaxDays];

/**
 * The Share menu: a link to a frozen, redacted copy of `source` (`/s/<id>`, shown once: the server keeps only its
 * hash), its expiry, and the list of links with revoke.
 */
export function ShareLinks({ source, redact, setRedact }: {
  source: ShareSource; redact: ReadonlySet<RedactionOption>; setRedact: (v: ReadonlySet<RedactionOption>) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [days, setDays] = useState<number>(LIMITS.shareLinkDefaultDays);
  const [made, setMade] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const list = useQuery({ ...trpc.shares.list.queryOptions(), enabled: open, staleTime: 0 });
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.shares.list.queryKey() });
  const create = useMutation(trpc.shares.create.mutationOptions({
    onSuccess: (r) => {
      setMade(new URL(r.path, window.location.origin).href);
      void refresh();
    },
  }));
  const revoke = useMutation(trpc.shares.revoke.mutationOptions({ onSuccess: () => void refresh() }));
  const error = create.error ?? revoke.error ?? list.error;

  const button = 'rounded-md border border-slate-300 px-2.5 py-1 text-sm hover:bg-slate-100 focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:outline-none dark:border-slate-600 dark:hover:bg-slate-800';
  return (
    <details className="relative" data-testid="share-menu" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary className={`${button} cursor-pointer list-none`} aria-busy={create.isPending}>
        Share{create.isPending ? '…' : ''}
      </summary>
      <div className="absolute right-0 z-30 mt-1 w-[28rem] space-y-2 rounded-md border border-slate-300 bg-white py-2 text-sm shadow-lg dark:border-slate-600 dark:bg-slate-900">
        {list.data?.loopbackOnly && (
          <p data-testid="share-loopback-note" className="mx-3 rounded bg-amber-50 px-2 py-1 text-xs text-amber-900 dark:bg-amber-950 dark:text-amber-100">
            This server listens on a loopback address: a link works only for people who can reach this address (on
            this machine). Serve on a network address or behind --public-name to share with others.
          </p>
        )}
        <div className="flex items-center gap-2 px-3">
          <label className="inline-flex items-center gap-1">
            Expires in
            <select value={days} onChange={(e) => setDays(Number(e.target.value))} data-testid="share-expiry" className="rounded border border-slate-300 bg-transparent px-1 dark:border-slate-600">
              {EXPIRY_DAYS.map((d) => (
                <option key={d} value={d}>
                  {d} {d === 1 ? 'day' : 'days'}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className={button}
            data-testid="share-create"
            disabled={create.isPending}
            onClick={() => create.mutate({ source, redact: [...redact], expiresInDays: days })}
          >
            Create link
          </button>
        </div>
        {made && (
          <div className="px-3">
            <p className="text-xs">Anyone with this link can see this snapshot until it expires or you revoke it. It is shown only now:</p>
            <div className="mt-1 flex gap-1">
              <input readOnly value={made} data-testid="share-link" className="min-w-0 flex-1 rounded border border-slate-300 px-1 font-mono text-xs dark:border-slate-600" onFocus={(e) => e.currentTarget.select()} />
              <button type="button" className={button} onClick={() => void navigator.clipboard?.writeText(made)}>
                Copy
              </button>
            </div>
          </div>
        )}
        <RedactionFieldset value={redact} onChange={setRedact} testPrefix="share-" what="a link" />
        <div className="border-t border-slate-200 px-3 pt-2 dark:border-slate-700">
          <p className="font-semibold">Links</p>
          <ul data-testid="share-list" className="max-h-48 overflow-y-auto text-xs">
            {list.data?.links.length === 0 && <li className="text-slate-500">None yet.</li>}
            {list.data?.links.map((l) => (
              <li key={l.key} data-testid="share-list-item" data-state={l.state} className="flex items-center gap-2 py-0.5">
                <span className="flex-1">
                  {l.source} of {l.hostname}, made {l.createdAt.slice(0, 16).replace('T', ' ')} by {l.createdBy}
                  {l.redaction.length > 0 ? ` (redacted: ${l.redaction.join(', ')})` : ''} —{' '}
                  {l.state === 'live' ? `expires ${l.expiresAt.slice(0, 16).replace('T', ' ')}` : l.state}
                </span>
                {l.state === 'live' && (
                  <button type="button" data-testid="share-revoke" className="rounded border border-red-300 px-1.5 text-red-700 hover:bg-red-50 dark:border-red-800 dark:text-red-300" onClick={() => revoke.mutate({ key: l.key })}>
                    Revoke
                  </button>
                )}
              </li>
            ))}
          </ul>
        </div>
        {error && (
          <p role="alert" data-testid="share-links-error" className="px-3 text-red-700 dark:text-red-300">
            {error.message}
          </p>
        )}
      </div>
    </details>
  );
}
