'use client';

import { useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent } from 'react';
import type { Netfilter } from '@/lib/snapshot/schema';
import { OriginLabel, RoleBadge } from './firewall/badges';
import type { NamespaceExplanations } from './firewall/explanations';
import { fullRulesetRows, type FullRow } from './firewall/full-rows';
import { listingColumns } from './firewall/listing';
import { FAMILIES, type Family } from './firewall/model';
import { formatCount } from './firewall/rates';
import { scrollTopForRow, visibleRange } from './firewall/windowing';

export interface FullRulesetProps {
  netfilter: Netfilter | null;
  namespaceLabel: string;
  initialFamily: Family;
  explanations: NamespaceExplanations;
  onClose: () => void;
}

/** Every row is this tall (two lines: the `iptables -L` columns and the explanation), which is what makes windowing cheap. */
export const ROW_HEIGHT = 40;
const OVERSCAN = 12;
const HEADER_HEIGHT = 24;
const COLUMNS = ['pkts', 'bytes', 'target', 'prot', 'opt', 'in', 'out', 'source', 'destination', 'extra'] as const;
const GRID: CSSProperties = {
  display: 'grid',
  gridTemplateColumns: '4rem 4rem 10rem 3.5rem 2.5rem 7rem 7rem 9.5rem 9.5rem minmax(18rem, 1fr)',
  columnGap: '0.5rem',
};

const useIsoLayoutEffect = typeof window === 'undefined' ? useEffect : useLayoutEffect;

/**
 * Every chain and rule of one namespace and family in the familiar `iptables -L -v -n` layout, each rule with its
 * explanation. Rows have a fixed height and only those in the viewport (plus overscan) are rendered, so a
 * kube-proxy host with 10,000 rules scrolls as smoothly as the lab.
 */
export function FullRuleset({ netfilter, namespaceLabel, initialFamily, explanations, onClose }: FullRulesetProps) {
  const [family, setFamily] = useState<Family>(initialFamily);
  const [filter, setFilter] = useState('');
  const rows = useMemo(() => fullRulesetRows(netfilter, family, filter), [netfilter, family, filter]);
  const chainRows = useMemo(() => rows.flatMap((r, i) => (r.kind === 'chain' ? [{ i, label: `${r.tableLabel} / ${r.chain}` }] : [])), [rows]);
  const ruleCount = rows.length - chainRows.length;

  const scroller = useRef<HTMLDivElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(800);
  const titleId = useId();

  // The scroller only exists while there are rows (a filter can empty the list), so observe it when it appears.
  const hasRows = netfilter !== null && rows.length > 0;
  useIsoLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    setViewport(el.clientHeight || 800);
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => setViewport(el.clientHeight || 800));
    ro.observe(el);
    return () => ro.disconnect();
  }, [hasRows]);

  useEffect(() => {
    const previouslyFocused = document.activeElement as HTMLElement | null;
    closeRef.current?.focus();
    return () => previouslyFocused?.focus?.();
  }, []);

  const onKeyDown = useCallback(
    (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        onClose();
      }
    },
    [onClose],
  );

  // A new family or filter starts from the top.
  useEffect(() => {
    if (scroller.current) scroller.current.scrollTop = 0;
    setScrollTop(0);
  }, [family, filter]);

  const range = visibleRange({ scrollTop: scrollTop - HEADER_HEIGHT, viewportHeight: viewport, rowHeight: ROW_HEIGHT, count: rows.length, overscan: OVERSCAN });
  const goTo = (rowIndex: number) => {
    const el = scroller.current;
    if (!el) return;
    el.scrollTop = scrollTopForRow(rowIndex, ROW_HEIGHT, rows.length, el.clientHeight - HEADER_HEIGHT);
    setScrollTop(el.scrollTop);
  };

  return (
    <div className="fixed inset-0 z-40 flex justify-end bg-slate-900/30" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid="full-ruleset"
        onKeyDown={onKeyDown}
        className="flex h-full w-full max-w-[96rem] flex-col border-l border-slate-300 bg-white shadow-xl dark:border-slate-700 dark:bg-slate-900"
      >
        <div className="flex flex-wrap items-center gap-3 border-b border-slate-300 px-4 py-2 dark:border-slate-700">
          <h2 id={titleId} className="text-base font-semibold">
            Full ruleset · <span className="font-normal">{namespaceLabel}</span>
          </h2>
          <div role="group" aria-label="Address family" className="flex gap-0.5 rounded border border-slate-300 p-0.5 dark:border-slate-600">
            {FAMILIES.map((f) => (
              <button
                key={f.id}
                type="button"
                aria-pressed={family === f.id}
                onClick={() => setFamily(f.id)}
                className={`rounded px-2 py-0.5 text-xs ${family === f.id ? 'bg-slate-800 text-white dark:bg-slate-200 dark:text-slate-900' : 'hover:bg-slate-100 dark:hover:bg-slate-800'}`}
              >
                {f.label}
              </button>
            ))}
          </div>
          <input
            type="search"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            placeholder="Filter rules (text, chain)…"
            aria-label="Filter rules"
            className="w-56 rounded border border-slate-300 bg-transparent px-2 py-0.5 text-sm dark:border-slate-600"
          />
          <select
            aria-label="Go to chain"
            value=""
            onChange={(e) => e.target.value !== '' && goTo(Number(e.target.value))}
            className="max-w-64 rounded border border-slate-300 bg-transparent px-1 py-0.5 text-sm dark:border-slate-600"
          >
            <option value="">Go to chain…</option>
            {chainRows.map((c) => (
              <option key={c.i} value={c.i}>
                {c.label}
              </option>
            ))}
          </select>
          <span className="text-xs text-slate-500 dark:text-slate-400" data-testid="full-ruleset-count">
            {chainRows.length} chains · {ruleCount} rules
          </span>
          <button
            ref={closeRef}
            type="button"
            onClick={onClose}
            className="ml-auto rounded border border-slate-300 px-2 py-0.5 text-sm hover:bg-slate-100 focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:outline-none dark:border-slate-600 dark:hover:bg-slate-800"
          >
            Close
          </button>
        </div>
        {!netfilter ? (
          <p className="p-4 text-sm text-slate-500 italic">The netfilter state of this namespace was not read.</p>
        ) : rows.length === 0 ? (
          <p className="p-4 text-sm text-slate-500 italic">{filter ? 'No rule matches the filter.' : 'No rules.'}</p>
        ) : (
          <div
            ref={scroller}
            tabIndex={0}
            aria-label="Rules"
            onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
            className="min-h-0 flex-1 overflow-auto focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:outline-none focus-visible:ring-inset"
          >
            <div className="min-w-[80rem]">
              <div
                style={{ ...GRID, height: HEADER_HEIGHT }}
                className="sticky top-0 z-10 items-center border-b border-slate-300 bg-slate-50 px-3 font-mono text-[11px] font-semibold text-slate-600 dark:border-slate-700 dark:bg-slate-800 dark:text-slate-300"
              >
                {COLUMNS.map((c) => (
                  <span key={c} className={c === 'pkts' || c === 'bytes' ? 'text-right' : ''}>
                    {c}
                  </span>
                ))}
              </div>
              <div style={{ height: range.totalHeight, position: 'relative' }}>
                <div style={{ position: 'absolute', top: range.offsetTop, left: 0, right: 0 }}>
                  {rows.slice(range.start, range.end).map((r) => (
                    <Row key={r.key} row={r} explanations={explanations} />
                  ))}
                </div>
              </div>
            </div>
          </div>
        )}
      </div>
    </div>
  );
}

function Row({ row, explanations }: { row: FullRow; explanations: NamespaceExplanations }) {
  if (row.kind === 'chain') {
    return (
      <div
        data-testid="full-chain"
        style={{ height: ROW_HEIGHT }}
        className="flex items-end gap-2 border-b border-slate-200 bg-slate-50/70 px-3 pb-1 font-mono text-xs dark:border-slate-800 dark:bg-slate-800/40"
      >
        <span className="text-slate-500 dark:text-slate-400">{row.tableLabel}</span>
        <span className="truncate font-semibold" title={row.heading}>
          {row.heading}
        </span>
      </div>
    );
  }
  const ex = row.kind === 'ipt' ? explanations.ipt(row.family, row.table.name, row.chain.name, row.rule) : explanations.nft(row.table, row.chain, row.rule);
  const raw = row.kind === 'ipt' ? row.rule.raw : row.rule.text;
  const cells =
    row.kind === 'ipt'
      ? listingColumns(row.rule, row.family)
      : {
          pkts: formatCount(row.rule.counters?.packets),
          bytes: formatCount(row.rule.counters?.bytes),
          target: '',
          prot: '',
          opt: '',
          in: '',
          out: '',
          source: '',
          destination: '',
          extra: row.rule.text,
        };
  return (
    <div
      data-testid="full-rule"
      data-role={ex.role}
      data-understood={String(ex.understood)}
      style={{ height: ROW_HEIGHT }}
      className={`flex flex-col justify-center border-b border-slate-100 px-3 dark:border-slate-800 ${ex.understood ? '' : 'bg-orange-50/60 dark:bg-orange-950/30'}`}
    >
      <div style={GRID} className="font-mono text-[11px] leading-4 whitespace-nowrap">
        {COLUMNS.map((c) => (
          <span key={c} title={cells[c]} className={`truncate ${c === 'pkts' || c === 'bytes' ? 'text-right tabular-nums' : ''} ${c === 'target' ? 'font-semibold' : ''}`}>
            {cells[c]}
          </span>
        ))}
      </div>
      <div className="flex items-center gap-1.5 overflow-hidden pl-[8.5rem] text-[11px] leading-4 whitespace-nowrap">
        <RoleBadge role={ex.role} />
        <OriginLabel origin={ex.origin} />
        {ex.understood ? (
          <span className="truncate text-slate-700 dark:text-slate-300" title={ex.sentence}>
            {ex.sentence}
          </span>
        ) : (
          <span className="truncate font-semibold text-orange-800 dark:text-orange-300" title={raw}>
            Not understood — shown raw: <span className="font-mono font-normal">{raw}</span>
          </span>
        )}
      </div>
    </div>
  );
}
