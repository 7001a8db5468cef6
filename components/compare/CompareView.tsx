'use client';

import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { Comparison } from '@/lib/compare/compare';
import { nodeOfChange, unionGraph, type Mark } from '@/lib/compare/union-graph';
import type { Snapshot } from '@/lib/snapshot/schema';
import { layoutGraph } from '@/lib/topology/layout';
import { TopologyGraph } from '@/components/graph/TopologyGraph';
import { useTRPC } from '@/components/live/trpc';
import { openSnapshotFile, type OpenedFile } from '@/components/share/open-file';
import { ChangeList } from './ChangeList';
import { MARK_LOOK, MARK_WORDS, markSheet } from './marks';
import { FlowList } from './FlowList';
import { useLocalComparison } from './useLocalComparison';

/** Compare mode: pick A and B (kept in the URL), see their union on the graph and what changed between them. */
export function CompareView({ a, b }: { a: string | null; b: string | null }) {
  // Files opened in the page, by name: the URL names them (`file:NAME`), the bytes never leave the browser.
  const [files, setFiles] = useState<ReadonlyMap<string, OpenedFile>>(new Map());
  const ready = !!a && !!b;
  const inPage = isInPage(a) || isInPage(b);
  return (
    <div className="flex h-dvh flex-col">
      <header className="flex flex-wrap items-center gap-3 border-b border-slate-300 px-4 py-2 dark:border-slate-700">
        <h1 className="text-lg font-semibold">netatlas — compare</h1>
        <Picker a={a} b={b} onOpened={(f) => setFiles((m) => new Map(m).set(f.name, f))} />
        <a href="/" className="text-sm text-sky-700 underline dark:text-sky-400">
          back to live
        </a>
      </header>
      {!ready ? (
        <Note>Pick two snapshots: live, a time such as -10m or 2026-11-30T14:02Z, a saved name, a share link, or a file opened here.</Note>
      ) : inPage ? (
        <ComparedInPage a={a} b={b} files={files} />
      ) : (
        <ComparedOnServer a={a} b={b} />
      )}
    </div>
  );
}

const isInPage = (ref: string | null) => !!ref?.startsWith('file:');

/** Both sides on the server: it loads and compares them (compare.diff). */
function ComparedOnServer({ a, b }: { a: string; b: string }) {
  const trpc = useTRPC();
  const diff = useQuery(trpc.compare.diff.queryOptions({ a, b }));
  if (diff.isPending) return <Note>Comparing {a} with {b}…</Note>;
  if (diff.isError) return <Note role="alert">The comparison failed: {diff.error.message}</Note>;
  const data = diff.data;
  if (!data.ok) return <SideErrors a={data.errors.a} b={data.errors.b} />;
  return <Compared a={data.a} b={data.b} comparison={data.comparison} />;
}

/** A side is a file opened in the page: the server loads the other side (compare.load), the page compares. */
function ComparedInPage({ a, b, files }: { a: string; b: string; files: ReadonlyMap<string, OpenedFile> }) {
  const sa = useSide(a, files);
  const sb = useSide(b, files);
  const comparison = useLocalComparison(sa.side?.snapshot ?? null, sb.side?.snapshot ?? null);
  if (sa.error || sb.error) return <SideErrors a={sa.error} b={sb.error} />;
  if (!sa.side || !sb.side || !comparison) return <Note>Comparing {a} with {b}…</Note>;
  return <Compared a={sa.side} b={sb.side} comparison={comparison} />;
}

function useSide(ref: string, files: ReadonlyMap<string, OpenedFile>): { side: Side | null; error: string | null } {
  const trpc = useTRPC();
  const file = isInPage(ref) ? files.get(ref.slice('file:'.length)) : undefined;
  const server = useQuery({ ...trpc.compare.load.queryOptions({ ref }), enabled: !isInPage(ref) });
  return useMemo(() => {
    if (isInPage(ref)) {
      return file
        ? { side: { label: `file ${file.name}`, snapshot: file.snapshot }, error: null }
        : { side: null, error: `${ref.slice('file:'.length)} is not open in this page (files stay in the browser): open it again` };
    }
    if (server.isError) return { side: null, error: server.error.message };
    if (!server.data) return { side: null, error: null };
    return server.data.ok ? { side: { label: server.data.label, snapshot: server.data.snapshot }, error: null } : { side: null, error: server.data.error };
  }, [ref, file, server.data, server.isError, server.error]);
}

function SideErrors({ a, b }: { a: string | null; b: string | null }) {
  return (
    <Note role="alert">
      {a && <span className="block">A: {a}</span>}
      {b && <span className="block">B: {b}</span>}
    </Note>
  );
}

function Note({ children, role }: { children: React.ReactNode; role?: string }) {
  return (
    <p role={role} data-testid="compare-note" className="p-6 text-slate-600 dark:text-slate-300">
      {children}
    </p>
  );
}

function Picker({ a, b, onOpened }: { a: string | null; b: string | null; onOpened: (f: OpenedFile) => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const sources = useQuery(trpc.compare.sources.queryOptions());
  const [pa, setA] = useState(a ?? '-10m');
  const [pb, setB] = useState(b ?? 'live');
  const [fileError, setFileError] = useState<string | null>(null);
  // Inert until hydrated: what is typed into the server-rendered fields would be replaced by this state.
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    router.push(`/compare?${new URLSearchParams({ a: pa, b: pb }).toString()}`);
  };
  // The one file reader (size limit, gzip, envelope, migrations, schema); the field then names the file.
  const open = async (input: HTMLInputElement, set: (ref: string) => void) => {
    const picked = input.files?.[0];
    input.value = '';
    if (!picked) return;
    const r = await openSnapshotFile(picked);
    setFileError(r.ok ? null : r.error);
    if (!r.ok) return;
    onOpened(r.file);
    set(`file:${r.file.name}`);
  };
  const span = sources.data?.history;
  const field = 'w-56 rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-800';
  const opener = (side: 'A' | 'B', set: (ref: string) => void) => (
    <label className="cursor-pointer text-xs text-sky-700 underline dark:text-sky-400">
      file…
      <input type="file" className="sr-only" disabled={!ready} aria-label={`Open a file as ${side}`} accept=".json,.gz,.html,application/json,application/gzip,text/html" onChange={(e) => void open(e.currentTarget, set)} />
    </label>
  );
  return (
    <form onSubmit={submit} className="flex flex-wrap items-center gap-2" aria-label="Snapshots to compare">
      <label className="text-sm">
        A <input name="a" list="compare-refs" className={field} value={pa} disabled={!ready} onChange={(e) => setA(e.target.value)} />
      </label>
      {opener('A', setA)}
      <span aria-hidden="true">→</span>
      <label className="text-sm">
        B <input name="b" list="compare-refs" className={field} value={pb} disabled={!ready} onChange={(e) => setB(e.target.value)} />
      </label>
      {opener('B', setB)}
      <datalist id="compare-refs">
        <option value="live" />
        {['-1m', '-10m', '-1h', '-1d'].map((t) => (
          <option key={t} value={t} />
        ))}
        {sources.data?.saved.map((s) => (
          <option key={s.name} value={`name:${s.name}`}>
            {s.note || s.at}
          </option>
        ))}
      </datalist>
      <button type="submit" disabled={!ready} className="rounded bg-sky-700 px-3 py-1 text-sm text-white hover:bg-sky-800 disabled:opacity-50">
        Compare
      </button>
      <span className="text-xs text-slate-500 dark:text-slate-400">
        {span ? `history from ${span.oldest} to ${span.newest}` : 'no history recorded: live, saved snapshots, share links and files only'}
        {'; a share link: paste its address'}
      </span>
      {fileError && (
        <span role="alert" data-testid="picker-error" className="text-xs text-red-700 dark:text-red-400">
          {fileError}
        </span>
      )}
    </form>
  );
}

interface Side {
  label: string;
  snapshot: Snapshot;
}

function Compared({ a, b, comparison }: { a: Side; b: Side; comparison: Comparison }) {
  const union = useMemo(() => unionGraph(a.snapshot, b.snapshot), [a.snapshot, b.snapshot]);
  const layout = useMemo(() => layoutGraph(union.graph), [union]);
  const sheet = useMemo(() => markSheet(union.marks), [union]);
  const [selectedId, select] = useState<string | null>(null);
  const [hoveredId, setHovered] = useState<string | null>(null);
  const nodeOf = (i: number) => nodeOfChange(comparison.changes[i], union.graph, a.snapshot, b.snapshot);
  const sides = useMemo(() => ({ a: a.snapshot, b: b.snapshot }), [a.snapshot, b.snapshot]);
  return (
    <div className="flex min-h-0 flex-1">
      <main className="relative min-w-0 flex-1" data-testid="compare-graph">
        <style>{sheet}</style>
        <TopologyGraph graph={union.graph} layout={layout} selectedId={selectedId} onSelect={select} hoveredId={hoveredId} onHover={setHovered} />
        <MarkLegend marks={union.marks} />
      </main>
      <aside aria-label="Changes" className="w-[34rem] shrink-0 overflow-y-auto border-l border-slate-300 bg-white p-4 text-sm dark:border-slate-700 dark:bg-slate-900">
        <p className="mb-3 text-xs text-slate-500 dark:text-slate-400">
          A: {a.label} ({a.snapshot.host.collectedAt}) → B: {b.label} ({b.snapshot.host.collectedAt})
        </p>
        <FlowList comparison={comparison} sides={sides} onSelect={(i) => select(nodeOf(i))} />
        <ChangeList changes={comparison.changes} onSelect={(i) => select(nodeOf(i))} />
      </aside>
    </div>
  );
}

function MarkLegend({ marks }: { marks: Map<string, Mark> }) {
  const counts = (m: Mark) => [...marks.values()].filter((x) => x === m).length;
  return (
    <div data-testid="compare-legend" className="absolute right-2 bottom-2 rounded-md border border-slate-300 bg-white/90 p-2 text-xs shadow-sm dark:border-slate-600 dark:bg-slate-900/90">
      <p className="mb-1 font-semibold">Compared</p>
      <ul>
        {(['added', 'removed', 'changed'] as const).map((m) => (
          <li key={m} className="flex items-center gap-2">
            <svg width="24" height="14" aria-hidden="true">
              <rect x="2" y="2" width="20" height="10" rx="2" fill="none" stroke="#64748b" style={MARK_LOOK[m]} />
            </svg>
            {MARK_WORDS[m]} ({counts(m)})
          </li>
        ))}
      </ul>
    </div>
  );
}
