'use client';

import type { ReactNode } from 'react';
import type { Snapshot } from '@/lib/snapshot/schema';
import type { NodeRef } from '@/lib/topology/types';
import { refKey, type SnapshotIndex } from '../snapshot-index';

/** What every details section needs: the snapshot, its lookups, and a way to select another node. */
export interface DetailsContext {
  snapshot: Snapshot;
  idx: SnapshotIndex;
  nodeByRef: Map<string, string>;
  onSelect: (id: string) => void;
}

export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="space-y-1.5">
      <h3 className="text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">{title}</h3>
      {children}
    </section>
  );
}

/** A definition list; rows whose value is null/undefined/empty are skipped so panels can list fields freely. */
export function Fields({ rows }: { rows: [string, ReactNode][] }) {
  const shown = rows.filter(([, v]) => v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0));
  return (
    <dl className="grid grid-cols-[max-content_1fr] gap-x-3 gap-y-1 text-sm">
      {shown.map(([k, v]) => (
        <div key={k} className="contents">
          <dt className="text-slate-500 dark:text-slate-400">{k}</dt>
          <dd className="min-w-0 break-words">{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export const Mono = ({ children }: { children: ReactNode }) => <span className="font-mono text-[0.8rem]">{children}</span>;

/** A button that selects the node standing for `target`; plain text when the graph has no such node. */
export function NodeLink({ ctx, target, children }: { ctx: DetailsContext; target: NodeRef; children: ReactNode }) {
  const id = ctx.nodeByRef.get(refKey(target));
  if (!id) return <>{children}</>;
  return (
    <button
      type="button"
      onClick={() => ctx.onSelect(id)}
      className="rounded text-left text-sky-700 underline decoration-sky-300 underline-offset-2 hover:text-sky-900 focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:outline-none dark:text-sky-300 dark:decoration-sky-700 dark:hover:text-sky-100"
    >
      {children}
    </button>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="text-sm text-slate-500 italic dark:text-slate-400">{children}</p>;
}

export const yesNo = (b: boolean | null) => (b === null ? 'unknown' : b ? 'yes' : 'no');
