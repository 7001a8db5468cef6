'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useHostInput } from '@/components/fleet/chosen-host';
import { useTRPC } from '@/components/live/trpc';
import { describeChange, formatMoment, type TimelineChange } from './timeline';
import type { TimeTravel } from './useTimeTravel';

const REFRESH_MS = 5_000;
/** "What changed since…" when live: this far back. */
const LIVE_SINCE_MS = 3_600_000;

const kb = (bytes: number) => `${(bytes / 1024).toFixed(bytes < 10_240 ? 1 : 0)} KB`;

/**
 * The History tab: what changed since the moment on screen (or in the last hour, when live), saving the moment
 * on screen under a name, and the saved snapshots (open, delete).
 */
export function HistoryPanel({ travel, liveAt }: { travel: TimeTravel; liveAt: string }) {
  const trpc = useTRPC();
  const hostInput = useHostInput();
  const status = useQuery({ ...trpc.history.status.queryOptions(hostInput), refetchInterval: REFRESH_MS });
  if (status.data && !status.data.on) {
    return (
      <div data-testid="history-panel" className="p-4 text-sm text-slate-600 dark:text-slate-400">
        History is off: {status.data.reason}. Nothing is recorded; the live view works as usual.
      </div>
    );
  }
  return (
    <div data-testid="history-panel" className="space-y-5 p-4 text-sm">
      <ChangeList travel={travel} liveAt={liveAt} />
      <SaveForm travel={travel} />
      <SavedList travel={travel} />
    </div>
  );
}

function ChangeList({ travel, liveAt }: { travel: TimeTravel; liveAt: string }) {
  const trpc = useTRPC();
  const hostInput = useHostInput();
  // A minute's resolution keeps the query key still while live; the list reaches up to now on every refresh.
  const since = travel.past ? travel.past.at : new Date(Math.floor((Date.parse(liveAt) - LIVE_SINCE_MS) / 60_000) * 60_000).toISOString();
  const q = useQuery({ ...trpc.history.changes.queryOptions({ since, ...hostInput }), refetchInterval: REFRESH_MS });
  const list = q.data?.ok ? (q.data.changes as TimelineChange[]).filter((c) => !travel.past || c.at > since) : [];
  return (
    <section aria-labelledby="changes-heading">
      <h2 id="changes-heading" className="mb-1 font-semibold">
        What changed since {travel.past ? formatMoment(travel.past.at) : 'an hour ago'}
      </h2>
      {q.data && !q.data.ok && <p className="text-red-700 dark:text-red-300">{q.data.error}</p>}
      {q.data?.ok && list.length === 0 && <p className="text-slate-500 dark:text-slate-400">Nothing structural changed.</p>}
      <ol data-testid="change-list" className="max-h-80 space-y-0.5 overflow-y-auto">
        {[...list].reverse().map((c, i) => (
          <li key={`${c.revision}-${i}`}>
            <button
              type="button"
              onClick={() => travel.goTo(c.at)}
              title="Show the host just after this change"
              className="w-full rounded px-1 text-left hover:bg-slate-100 dark:hover:bg-slate-800"
            >
              <time dateTime={c.at} className="mr-2 text-xs text-slate-500 tabular-nums dark:text-slate-400">
                {formatMoment(c.at)}
              </time>
              <span className="break-all">{describeChange(c)}</span>
            </button>
          </li>
        ))}
      </ol>
      {q.data?.ok && q.data.truncated && <p className="text-xs text-slate-500">Only the newest changes are listed.</p>}
    </section>
  );
}

function SaveForm({ travel }: { travel: TimeTravel }) {
  const trpc = useTRPC();
  const hostInput = useHostInput();
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [note, setNote] = useState('');
  const save = useMutation(
    trpc.history.save.mutationOptions({
      onSuccess: (r) => {
        if (!r.ok) return;
        setName('');
        setNote('');
        void client.invalidateQueries({ queryKey: trpc.history.saved.queryKey(hostInput) });
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({ name, note, at: travel.past ? travel.past.ref : 'live', ...hostInput });
  };
  const error = save.error?.message ?? (save.data && !save.data.ok ? save.data.error : null);
  return (
    <section aria-labelledby="save-heading">
      <h2 id="save-heading" className="mb-1 font-semibold">
        Save {travel.past ? `the host at ${formatMoment(travel.past.at)}` : 'the live host'}
      </h2>
      <form onSubmit={submit} className="space-y-1.5">
        <input
          aria-label="Snapshot name"
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="name, e.g. before-deploy"
          className="w-full rounded border border-slate-300 bg-transparent px-2 py-1 dark:border-slate-600"
        />
        <textarea
          aria-label="Note"
          value={note}
          onChange={(e) => setNote(e.target.value)}
          placeholder="note (optional)"
          rows={2}
          className="w-full rounded border border-slate-300 bg-transparent px-2 py-1 dark:border-slate-600"
        />
        <button type="submit" disabled={save.isPending} className="rounded bg-slate-800 px-3 py-1 text-white hover:bg-slate-700 disabled:opacity-50 dark:bg-slate-200 dark:text-slate-900">
          Save
        </button>
        {error && (
          <p role="alert" className="text-red-700 dark:text-red-300">
            {error}
          </p>
        )}
      </form>
    </section>
  );
}

function SavedList({ travel }: { travel: TimeTravel }) {
  const trpc = useTRPC();
  const hostInput = useHostInput();
  const client = useQueryClient();
  const saved = useQuery(trpc.history.saved.queryOptions(hostInput));
  const del = useMutation(
    trpc.history.deleteSaved.mutationOptions({
      onSuccess: () => void client.invalidateQueries({ queryKey: trpc.history.saved.queryKey(hostInput) }),
    }),
  );
  const list = saved.data?.ok ? saved.data.saved : [];
  return (
    <section aria-labelledby="saved-heading">
      <h2 id="saved-heading" className="mb-1 font-semibold">
        Saved snapshots
      </h2>
      {saved.data?.ok && list.length === 0 && <p className="text-slate-500 dark:text-slate-400">None yet.</p>}
      <table data-testid="saved-list" className="w-full text-left text-xs">
        <tbody>
          {list.map((s) => (
            <tr key={s.name} data-name={s.name} className="border-t border-slate-200 align-top dark:border-slate-700">
              <td className="py-1 pr-2">
                <button type="button" onClick={() => travel.goTo(`name:${s.name}`)} className="font-medium text-sky-700 hover:underline dark:text-sky-300">
                  {s.name}
                </button>
                {s.note && <div className="text-slate-500 dark:text-slate-400">{s.note}</div>}
              </td>
              <td className="py-1 pr-2">{s.hostname}</td>
              <td className="py-1 pr-2 tabular-nums">
                <time dateTime={s.at}>{formatMoment(s.at)}</time>
              </td>
              <td className="py-1 pr-2 tabular-nums">{kb(s.bytes)}</td>
              <td className="py-1">
                <button
                  type="button"
                  aria-label={`Delete ${s.name}`}
                  onClick={() => del.mutate({ name: s.name, ...hostInput })}
                  className="rounded border border-slate-300 px-1.5 hover:bg-red-50 dark:border-slate-600 dark:hover:bg-red-950"
                >
                  delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
