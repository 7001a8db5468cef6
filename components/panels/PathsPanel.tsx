'use client';

import { memo, useCallback, useMemo } from 'react';
import type { Snapshot } from '@/lib/snapshot/schema';
import type { TraceQuery } from '@/lib/sim/types';
import type { GraphNode } from '@/lib/topology/types';
import type { FocusRule } from './firewall/focus';
import { CustomQueryForm } from './paths/CustomQueryForm';
import { PathResult } from './paths/PathResult';
import { pathPresets, PRESET_GROUPS } from './paths/presets';
import type { TraceRun } from './paths/run';

export interface PathsPanelProps {
  snapshot: Snapshot;
  /** The selection: presets are offered for a container (or one of its published ports). */
  node: GraphNode | null;
  /** The question shown, and its answer (traced by the caller, which also draws it on the graph). */
  query: TraceQuery | null;
  run: TraceRun | null;
  onQuery: (q: TraceQuery | null) => void;
  /** Open the Firewall tab on a rule of the path. */
  onFocusRule: (f: FocusRule) => void;
}

/** The same question, whether or not the non-matching rules are listed. */
const sameQuery = (a: TraceQuery | null, b: TraceQuery) => a !== null && JSON.stringify({ ...a, verbose: undefined }) === JSON.stringify({ ...b, verbose: undefined });

/** The container a selection stands for, if any. */
function containerOf(node: GraphNode | null): string | null {
  if (!node) return null;
  if (node.ref.type === 'container' || node.ref.type === 'port') return node.ref.containerId;
  return null;
}

/**
 * Packet paths: ready-made questions for the selected container (out to the internet, to each other container,
 * into its published ports from outside and from the host, straight to its address) and a custom one, each
 * answered by simulating the first packet through the snapshot. Nothing is sent anywhere.
 */
export const PathsPanel = memo(function PathsPanel({ snapshot, node, query, run, onQuery, onFocusRule }: PathsPanelProps) {
  const containerId = containerOf(node);
  const container = containerId ? (snapshot.docker?.containers.find((c) => c.id === containerId) ?? null) : null;
  const presets = useMemo(() => (containerId ? pathPresets(snapshot, containerId) : []), [snapshot, containerId]);
  // Listing the non-matching rules is a preference that carries over to the next question.
  const verbose = query?.verbose === true;
  const ask = useCallback((q: TraceQuery) => onQuery(verbose ? { ...q, verbose: true } : q), [onQuery, verbose]);
  const setVerbose = useCallback((v: boolean) => query && onQuery(v ? { ...query, verbose: true } : { ...query, verbose: undefined }), [onQuery, query]);

  return (
    <div data-testid="paths-panel" className="space-y-4 p-4">
      <header className="space-y-0.5">
        <p className="text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">Packet paths</p>
        <h2 className="text-base font-semibold break-words">{container ? `Paths to and from ${container.name}` : 'Where would a packet go?'}</h2>
        <p className="text-xs text-slate-500 dark:text-slate-400">
          The first packet of a new connection, simulated on this snapshot through routing, bridges, netfilter and NAT. Nothing is sent.
        </p>
      </header>

      {run && !run.ok && (
        <p role="alert" data-testid="path-error" className="rounded border border-red-300 bg-red-50 px-2 py-1 text-sm text-red-800 dark:border-red-800 dark:bg-red-950/40 dark:text-red-200">
          The simulation failed: {run.error}
        </p>
      )}
      {run?.ok && (
        <PathResult snapshot={snapshot} result={run.result} onFocusRule={onFocusRule} onClear={() => onQuery(null)} verbose={verbose} onVerbose={setVerbose} />
      )}

      {container ? (
        presets.length > 0 ? (
          <div data-testid="path-presets" className="space-y-3">
            {PRESET_GROUPS.map((g) => {
              const list = presets.filter((p) => p.group === g.id);
              if (list.length === 0) return null;
              return (
                <section key={g.id} aria-label={g.title} data-group={g.id} className="space-y-1">
                  <h3 className="text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">{g.title}</h3>
                  <ul className="space-y-1">
                    {list.map((p) => {
                      const on = sameQuery(query, p.query);
                      return (
                        <li key={p.id} className="flex flex-wrap items-baseline gap-x-2">
                          <button
                            type="button"
                            data-testid="path-preset"
                            aria-pressed={on}
                            onClick={() => ask(p.query)}
                            className={`rounded border px-2 py-0.5 text-left text-sm focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:outline-none ${
                              on
                                ? 'border-fuchsia-500 bg-fuchsia-50 dark:border-fuchsia-400 dark:bg-fuchsia-950/40'
                                : 'border-slate-300 hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800'
                            }`}
                          >
                            {p.label}
                          </button>
                          <span className="font-mono text-[11px] break-all text-slate-500 dark:text-slate-400">{p.detail}</span>
                        </li>
                      );
                    })}
                  </ul>
                </section>
              );
            })}
          </div>
        ) : (
          <p className="text-sm text-slate-500 italic dark:text-slate-400">
            {container.name} is {container.state}: it has no network to trace from.
          </p>
        )
      ) : (
        <p className="text-sm text-slate-500 italic dark:text-slate-400">
          Select a container for ready-made questions (to the internet, to the other containers, into its published ports), or ask your own below.
        </p>
      )}

      <section aria-label="Custom path" className="space-y-2 border-t border-slate-200 pt-3 dark:border-slate-700">
        <h3 className="text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">Your own question</h3>
        <CustomQueryForm key={containerId ?? ''} snapshot={snapshot} defaultFrom={container?.name ?? ''} onRun={ask} />
      </section>
    </div>
  );
});
