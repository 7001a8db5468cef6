'use client';

import { useCallback, useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react';
import type { NamespaceExplanations } from './explanations';
import { locateFocus, type FocusRule } from './focus';
import type { ChainView, RuleItem } from './model';
import type { ObjectIndex } from './objects';
import { rateFor, type RateBase } from './rates';
import { RuleRow, type JumpLink } from './RuleRow';

/** Rows drawn per chain before "show all": a host view of a kube-proxy node can hold thousands in one chain. */
export const CHAIN_ROW_LIMIT = 150;

export interface ChainListProps {
  chains: ChainView[];
  explanations: NamespaceExplanations;
  rates: RateBase | null;
  objIdx: ObjectIndex;
  onSelect: (id: string) => void;
  onHighlight: (ids: Set<string> | null) => void;
  /** A rule (or, with index null, a chain) to expand, scroll to and mark; a new object each time it is asked for. */
  focus?: FocusRule | null;
}

const toggled = (s: Set<string>, id: string) => {
  const next = new Set(s);
  if (!next.delete(id)) next.add(id);
  return next;
};

/** Chains in traversal order, indented by depth, each collapsible, with its "N other rules" behind a toggle. */
export function ChainList({ chains, explanations, rates, objIdx, onSelect, onHighlight, focus = null }: ChainListProps) {
  const [collapsed, setCollapsed] = useState<Set<string>>(() => new Set());
  const [othersShown, setOthersShown] = useState<Set<string>>(() => new Set());
  const [unlimited, setUnlimited] = useState<Set<string>>(() => new Set());
  const toggleChain = useCallback((id: string) => setCollapsed((s) => toggled(s, id)), []);
  const byId = new Map(chains.map((c) => [c.id, c]));

  // A focus request opens the way to its rule: the chain expanded, its other rules shown, no row limit in the way.
  const loc = useMemo(() => (focus ? locateFocus(chains, focus) : null), [chains, focus]);
  const opened = useRef<object | null>(null);
  useEffect(() => {
    // Once per request: a later revision must not undo what the user did since.
    if (!loc || !focus || opened.current === focus) return;
    opened.current = focus;
    setCollapsed((s) => {
      if (!s.has(loc.chainId)) return s;
      const next = new Set(s);
      next.delete(loc.chainId);
      return next;
    });
    if (loc.inOthers) setOthersShown((s) => (s.has(loc.chainId) ? s : new Set(s).add(loc.chainId)));
    if (loc.position >= CHAIN_ROW_LIMIT) setUnlimited((s) => (s.has(loc.chainId) ? s : new Set(s).add(loc.chainId)));
  }, [focus, loc]);
  const focusedRule = (c: ChainView, it: RuleItem) => (focus && loc && focus.index !== null && loc.chainId === c.id && it.index === focus.index ? focus : null);

  const row = (c: ChainView, it: RuleItem, muted: boolean) => {
    const jumps: JumpLink[] = it.jumpTo.map((id) => ({ id, label: byId.get(id)?.chain ?? id, expanded: !collapsed.has(id) }));
    return (
      <RuleRow
        key={`${it.index}:${it.key}`}
        item={it}
        dataChain={`${c.table}/${c.chain}`}
        explanation={explanations.item(it)}
        rate={rateFor(rates, it.key, it.rule.counters)}
        objIdx={objIdx}
        jumps={jumps}
        onToggleChain={toggleChain}
        onSelect={onSelect}
        onHighlight={onHighlight}
        muted={muted}
        focusToken={focusedRule(c, it)}
      />
    );
  };

  return (
    <div className="space-y-2">
      {chains.map((c) => (
        <ChainBlock
          key={c.id}
          chain={c}
          collapsed={collapsed.has(c.id)}
          onToggle={() => toggleChain(c.id)}
          othersShown={othersShown.has(c.id)}
          onToggleOthers={() => setOthersShown((s) => toggled(s, c.id))}
          unlimited={unlimited.has(c.id)}
          onShowAll={() => setUnlimited((s) => new Set(s).add(c.id))}
          policyText={c.policy && c.source === 'iptables' ? explanations.policy(c.table, c.chain, c.policy).sentence : null}
          row={row}
          focusToken={focus && loc && focus.index === null && loc.chainId === c.id ? focus : null}
        />
      ))}
    </div>
  );
}

interface ChainBlockProps {
  chain: ChainView;
  collapsed: boolean;
  onToggle: () => void;
  othersShown: boolean;
  onToggleOthers: () => void;
  unlimited: boolean;
  onShowAll: () => void;
  policyText: string | null;
  row: (c: ChainView, it: RuleItem, muted: boolean) => ReactNode;
  /** Set when the chain itself (its policy) is to be brought into view and marked. */
  focusToken: object | null;
}

function ChainBlock({ chain: c, collapsed, onToggle, othersShown, onToggleOthers, unlimited, onShowAll, policyText, row, focusToken }: ChainBlockProps) {
  const bodyId = useId();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focusToken) ref.current?.scrollIntoView?.({ block: 'center' });
  }, [focusToken]);
  // Concerned rules and, when asked for, the others, in the chain's own order.
  const list = othersShown ? [...c.rules, ...c.others].sort((a, b) => a.index - b.index) : c.rules;
  const concerned = new Set(c.rules);
  const limit = unlimited ? Infinity : CHAIN_ROW_LIMIT;
  const shown = list.slice(0, limit);
  return (
    <div
      ref={ref}
      data-testid="chain"
      data-chain={`${c.table}/${c.chain}`}
      data-focused={focusToken ? 'true' : undefined}
      style={{ marginLeft: `${Math.min(c.depth, 8) * 0.75}rem` }}
      className={`${c.depth > 0 ? 'border-l-2 border-slate-200 pl-2 dark:border-slate-700' : ''} ${focusToken ? 'rounded ring-2 ring-fuchsia-500 dark:ring-fuchsia-400' : ''}`}
    >
      <div className="flex flex-wrap items-center gap-x-2 gap-y-0.5">
        <button
          type="button"
          aria-expanded={!collapsed}
          aria-controls={bodyId}
          onClick={onToggle}
          className="flex items-center gap-1 rounded font-mono text-xs hover:text-sky-700 focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:outline-none dark:hover:text-sky-300"
        >
          <span aria-hidden="true" className="w-3">{collapsed ? '▸' : '▾'}</span>
          <span className="text-slate-500 dark:text-slate-400">{c.tableLabel} /</span>
          <span className="font-semibold">{c.chain}</span>
        </button>
        {c.hook && c.depth === 0 && <span className="text-[10px] text-slate-500 uppercase dark:text-slate-400">{c.hook}</span>}
        {c.policy && (
          <span title={policyText ?? undefined} className="rounded bg-slate-100 px-1 text-[10px] text-slate-700 dark:bg-slate-800 dark:text-slate-300">
            policy {c.policy}
          </span>
        )}
        <span className="text-[10px] text-slate-400 dark:text-slate-500">
          {c.rules.length} shown{c.others.length > 0 ? ` · ${c.others.length} other` : ''}
        </span>
      </div>
      {!collapsed && (
        <div id={bodyId} className="mt-1 space-y-1">
          {shown.length > 0 && <ul className="space-y-1">{shown.map((it) => row(c, it, !concerned.has(it)))}</ul>}
          {list.length > shown.length && (
            <button type="button" onClick={onShowAll} className="text-xs text-sky-700 underline dark:text-sky-300">
              Show all {list.length} rules ({list.length - shown.length} more)
            </button>
          )}
          {c.others.length > 0 && (
            <button
              type="button"
              aria-expanded={othersShown}
              onClick={onToggleOthers}
              data-testid="other-rules-toggle"
              className="block text-xs text-slate-500 hover:text-sky-700 dark:text-slate-400 dark:hover:text-sky-300"
            >
              {othersShown ? 'Hide' : 'Show'} {c.others.length} other rule{c.others.length === 1 ? '' : 's'}
            </button>
          )}
        </div>
      )}
    </div>
  );
}
