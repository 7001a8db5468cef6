'use client';

import { memo, useEffect, useMemo, useRef } from 'react';
import type { RuleExplanation } from '@/lib/netfilter/explain-types';
import { OriginLabel, RoleBadge } from './badges';
import type { RuleItem } from './model';
import { objectNodeIds, objectsToNodeIds, type ObjectIndex } from './objects';
import { formatCount, formatRate } from './rates';

export interface JumpLink {
  /** Chain view id. */
  id: string;
  label: string;
  expanded: boolean;
}

export interface RuleRowProps {
  item: RuleItem;
  /** `table/chain`, for `data-chain`. */
  dataChain: string;
  explanation: RuleExplanation;
  rate: number | null;
  objIdx: ObjectIndex;
  jumps: JumpLink[];
  onToggleChain: (id: string) => void;
  onSelect: (id: string) => void;
  onHighlight: (ids: Set<string> | null) => void;
  /** One of the chain's "other" rules: shown, but quieter. */
  muted?: boolean;
  /**
   * Set (to the request, a new object each time) when this rule is to be brought into view and marked, e.g. from a
   * packet-path step; null or absent otherwise.
   */
  focusToken?: object | null;
}

/**
 * One rule: counters and live rate, role, origin, the explanation (or a clear "not understood" flag), the objects
 * it names as chips, jumps, and the raw text. Everything from the host is rendered as React text only.
 */
export const RuleRow = memo(function RuleRow(props: RuleRowProps) {
  const { item, dataChain, explanation: ex, rate, objIdx, jumps, onToggleChain, onSelect, onHighlight, muted, focusToken } = props;
  const ref = useRef<HTMLLIElement>(null);
  const focused = focusToken !== null && focusToken !== undefined;
  useEffect(() => {
    if (!focusToken || !ref.current) return;
    ref.current.scrollIntoView?.({ block: 'center' });
    ref.current.focus({ preventScroll: true });
  }, [focusToken]);
  const highlight = useMemo(() => objectsToNodeIds(objIdx, ex.objects), [objIdx, ex.objects]);
  const raw = item.kind === 'ipt' ? item.rule.raw : item.rule.text;
  const counters = item.rule.counters;
  const why = item.reasons.length > 0 ? `Concerns: ${item.reasons.join('; ')}` : item.leadsThere ? 'On the way to rules that concern it' : undefined;
  const enter = () => onHighlight(highlight);
  const leave = () => onHighlight(null);

  return (
    <li
      ref={ref}
      data-testid="rule"
      data-focused={focused ? 'true' : undefined}
      tabIndex={focused ? -1 : undefined}
      data-role={ex.role}
      data-chain={dataChain}
      data-understood={String(ex.understood)}
      title={why}
      onMouseEnter={enter}
      onMouseLeave={leave}
      onFocus={enter}
      onBlur={leave}
      className={`space-y-1 rounded border px-2 py-1.5 ${
        ex.understood
          ? 'border-slate-200 dark:border-slate-700'
          : 'border-orange-300 bg-orange-50/60 dark:border-orange-700 dark:bg-orange-950/30'
      } ${muted && !focused ? 'opacity-75' : ''} ${
        focused ? 'ring-2 ring-fuchsia-500 outline-none dark:ring-fuchsia-400' : ''
      } hover:border-sky-400 dark:hover:border-sky-600`}
    >
      <div className="flex flex-wrap items-center gap-x-1.5 gap-y-0.5">
        <RoleBadge role={ex.role} />
        <OriginLabel origin={ex.origin} />
        <span className="text-[10px] text-slate-400 dark:text-slate-500">#{item.index + 1}</span>
        {item.leadsThere && item.reasons.length === 0 && <span className="text-[10px] text-slate-500 italic dark:text-slate-400">on the way</span>}
        <span className="ml-auto flex items-baseline gap-2 text-[11px] text-slate-600 tabular-nums dark:text-slate-300">
          <span title={counters ? `${counters.packets} packets` : 'packets unknown'}>
            <span data-testid="rule-packets" data-value={counters ? counters.packets : undefined}>
              {formatCount(counters?.packets)}
            </span>{' '}
            pkts
          </span>
          <span title={counters ? `${counters.bytes} bytes` : 'bytes unknown'}>{formatCount(counters?.bytes)} B</span>
          <span title="packets per second between the last two revisions" className="min-w-[3.5rem] text-right font-medium">
            <span data-testid="rule-rate">{formatRate(rate)}</span>
          </span>
        </span>
      </div>
      {ex.understood ? (
        <p data-testid="rule-explanation" className="text-sm leading-snug">
          {ex.sentence}
        </p>
      ) : (
        <p data-testid="rule-explanation" className="text-xs font-semibold text-orange-800 dark:text-orange-300">
          <span aria-hidden="true">⚠ </span>Not understood — shown raw
        </p>
      )}
      {(ex.objects.length > 0 || jumps.length > 0) && (
        <div className="flex flex-wrap items-center gap-1">
          {ex.objects.map((o, i) => {
            const ids = objectNodeIds(objIdx, o);
            const text = `${o.kind} ${o.label}`;
            return ids.length > 0 ? (
              <button
                key={`${o.kind}:${o.id}:${i}`}
                type="button"
                onClick={() => onSelect(ids[0])}
                title={`Select ${text} in the graph`}
                className="rounded-full border border-sky-300 bg-sky-50 px-2 py-px text-[11px] text-sky-800 hover:bg-sky-100 focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:outline-none dark:border-sky-700 dark:bg-sky-950 dark:text-sky-200 dark:hover:bg-sky-900"
              >
                <span className="text-sky-500 dark:text-sky-400">{o.kind}</span> {o.label}
              </button>
            ) : (
              <span key={`${o.kind}:${o.id}:${i}`} className="rounded-full border border-slate-200 px-2 py-px text-[11px] text-slate-600 dark:border-slate-700 dark:text-slate-300">
                <span className="text-slate-400">{o.kind}</span> {o.label}
              </span>
            );
          })}
          {jumps.map((j) => (
            <button
              key={j.id}
              type="button"
              aria-expanded={j.expanded}
              onClick={() => onToggleChain(j.id)}
              title={`${j.expanded ? 'Collapse' : 'Expand'} the chain this rule jumps to`}
              className="rounded border border-slate-300 px-1.5 py-px font-mono text-[11px] hover:bg-slate-100 focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:outline-none dark:border-slate-600 dark:hover:bg-slate-800"
            >
              {j.expanded ? '▾' : '▸'} {j.label}
            </button>
          ))}
        </div>
      )}
      <code
        data-testid="rule-raw"
        className={`block font-mono break-all whitespace-pre-wrap ${
          ex.understood ? 'text-[10.5px] leading-tight text-slate-500 dark:text-slate-400' : 'rounded bg-white px-1 py-0.5 text-xs text-slate-900 dark:bg-slate-900 dark:text-slate-100'
        }`}
      >
        {raw}
      </code>
    </li>
  );
});
