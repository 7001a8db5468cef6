'use client';

import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { factsOf } from '@/lib/netfilter/attribution';
import type { Namespace, Snapshot } from '@/lib/snapshot/schema';
import type { GraphNode } from '@/lib/topology/types';
import { ChainList } from './firewall/ChainList';
import { useExplanations, type ExplanationCache } from './firewall/explanations';
import { locateFocus, rulesWithFocus, type FocusRule } from './firewall/focus';
import { FAMILIES, TABLE_FILTERS, type Family, type RulesQuery, type TableFilter } from './firewall/model';
import { objectIndex, type ObjectIndex } from './firewall/objects';
import { counterIndex, rateBase, type RateBase } from './firewall/rates';
import { describeSubject, namespacesToShow, subjectForNode } from './firewall/subject';
import { FullRuleset } from './FullRuleset';
import { indexSnapshot, type SnapshotIndex } from './snapshot-index';
import { namespaceLabel } from '@/lib/snapshot/names';

export interface FirewallPanelProps {
  snapshot: Snapshot;
  /** The revision before `snapshot`, for live rates; null on the first one. */
  previous: Snapshot | null;
  /** The selection; null means the host itself. */
  node: GraphNode | null;
  onSelect: (id: string) => void;
  /** Graph node ids to emphasise while a rule is hovered or focused; null clears. */
  onHighlight: (ids: Set<string> | null) => void;
  /**
   * A rule to bring into view (e.g. from a packet-path step): the family and table filter switch to it, its
   * namespace is listed, its chain expanded, and the row scrolled to and marked `data-focused="true"`. Pass a new
   * object to ask again.
   */
  focusRule?: FocusRule | null;
}

const pill = (on: boolean) =>
  `rounded px-2 py-0.5 text-xs focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:outline-none ${
    on ? 'bg-slate-800 text-white dark:bg-slate-200 dark:text-slate-900' : 'text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800'
  }`;

/** How long without a new revision before rates read 0: the hub re-reads every second while watched and
 * publishes only changes, so silence means the counters stood still. */
const QUIET_MS = 2_500;

/**
 * Rates between the last two revisions, dropping to 0 once no revision has come for QUIET_MS (otherwise the last
 * burst's rate would stay on screen forever after traffic stops).
 */
function useQuietAwareRates(previous: Snapshot | null, snapshot: Snapshot): RateBase | null {
  const receivedAt = useMemo(() => Date.now(), [snapshot]);
  const [quiet, setQuiet] = useState(false);
  useEffect(() => {
    setQuiet(false);
    const t = setTimeout(() => setQuiet(true), QUIET_MS);
    return () => clearTimeout(t);
  }, [receivedAt]);
  return useMemo(
    () => (quiet ? { counters: counterIndex(snapshot), seconds: QUIET_MS / 1000 } : rateBase(previous, snapshot)),
    [quiet, previous, snapshot],
  );
}

/**
 * The netfilter rules that decide the selection's traffic, explained: for the host namespace and the subject's
 * own namespace, chains in the order a packet meets them, with counters, live rates and the raw rules.
 */
export const FirewallPanel = memo(function FirewallPanel({ snapshot, previous, node, onSelect, onHighlight, focusRule = null }: FirewallPanelProps) {
  const [family, setFamily] = useState<Family>(focusRule?.family ?? 'ipv4');
  const [tableFilter, setTableFilter] = useState<TableFilter>('all');
  // A focus request switches the filters to where its rule is (once per request: the user may switch back).
  const switched = useRef<FocusRule | null>(null);
  useEffect(() => {
    if (!focusRule || switched.current === focusRule) return;
    switched.current = focusRule;
    setFamily(focusRule.family);
    setTableFilter((t) => (t === 'all' || t === focusRule.table ? t : 'all'));
  }, [focusRule]);
  const [fullFor, setFullFor] = useState<string | null>(null);

  const subject = useMemo(() => subjectForNode(snapshot, node), [snapshot, node]);
  const facts = useMemo(() => factsOf(snapshot, subject), [snapshot, subject]);
  const idx = useMemo(() => indexSnapshot(snapshot), [snapshot]);
  const objIdx = useMemo(() => objectIndex(snapshot), [snapshot]);
  const rates = useQuietAwareRates(previous, snapshot);
  const explanations = useExplanations(snapshot);
  const nsIds = namespacesToShow(snapshot, facts.namespaces);
  if (focusRule && !nsIds.includes(focusRule.namespaceId) && idx.namespaces.has(focusRule.namespaceId)) nsIds.push(focusRule.namespaceId);
  const who = describeSubject(snapshot, subject);

  // A highlight must not outlive the panel (tab switch, selection change unmounting rows mid-hover).
  useEffect(() => () => onHighlight(null), [onHighlight]);
  useEffect(() => onHighlight(null), [subject.type, node?.id, onHighlight]);

  const warning = snapshot.host.iptables.warning;
  const fullNs = fullFor ? idx.namespaces.get(fullFor) : undefined;

  return (
    <div data-testid="firewall-panel" className="space-y-3 p-4">
      <header className="space-y-0.5">
        <p className="text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">Firewall</p>
        <h2 className="text-base font-semibold break-words">Rules for {who}</h2>
        <p className="text-xs text-slate-500 dark:text-slate-400">
          Chains in the order a packet meets them: the rules that concern {node ? 'it' : 'the host'} and the jumps leading to them.
        </p>
      </header>

      <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
        <div role="group" aria-label="Address family" className="flex gap-0.5 rounded border border-slate-300 p-0.5 dark:border-slate-600">
          {FAMILIES.map((f) => (
            <button key={f.id} type="button" aria-pressed={family === f.id} onClick={() => setFamily(f.id)} className={pill(family === f.id)}>
              {f.label}
            </button>
          ))}
        </div>
        <div role="group" aria-label="Table" className="flex flex-wrap gap-0.5 rounded border border-slate-300 p-0.5 dark:border-slate-600">
          {TABLE_FILTERS.map((t) => (
            <button key={t} type="button" aria-pressed={tableFilter === t} onClick={() => setTableFilter(t)} className={pill(tableFilter === t)}>
              {t}
            </button>
          ))}
        </div>
      </div>

      {warning && (
        <p role="note" className="rounded border border-amber-300 bg-amber-50 px-2 py-1 text-xs text-amber-900 dark:border-amber-700 dark:bg-amber-950/40 dark:text-amber-200">
          {warning}
        </p>
      )}

      {nsIds.map((id) => (
        <NamespaceSection
          key={id}
          snapshot={snapshot}
          idx={idx}
          namespaceId={id}
          query={{ family, tableFilter, facts, all: facts.namespaces.includes(id) || (facts.wholeHost && idx.namespaces.get(id)?.kind === 'host'), allReason: `in ${namespaceLabel(snapshot, id)}'s namespace` }}
          who={who}
          explanations={explanations}
          rates={rates}
          objIdx={objIdx}
          onSelect={onSelect}
          onHighlight={onHighlight}
          onFull={() => setFullFor(id)}
          focus={focusRule && focusRule.namespaceId === id && focusRule.family === family ? focusRule : null}
        />
      ))}

      {fullNs && (
        <FullRuleset
          netfilter={fullNs.netfilter}
          namespaceLabel={namespaceLabel(snapshot, fullNs.id)}
          initialFamily={family}
          explanations={explanations.forNamespace(fullNs)}
          onClose={() => setFullFor(null)}
        />
      )}
    </div>
  );
});

interface NamespaceSectionProps {
  snapshot: Snapshot;
  idx: SnapshotIndex;
  namespaceId: string;
  query: RulesQuery;
  who: string;
  explanations: ExplanationCache;
  rates: RateBase | null;
  objIdx: ObjectIndex;
  onSelect: (id: string) => void;
  onHighlight: (ids: Set<string> | null) => void;
  onFull: () => void;
  /** A focus request for a rule of this namespace and the family shown. */
  focus: FocusRule | null;
}

const FAMILY_TOOL = { ipv4: 'iptables', ipv6: 'ip6tables' } as const;

function NamespaceSection({ snapshot, idx, namespaceId, query, who, explanations, rates, objIdx, onSelect, onHighlight, onFull, focus }: NamespaceSectionProps) {
  const ns = idx.namespaces.get(namespaceId)!;
  const nsExplanations = explanations.forNamespace(ns);
  const { facts, family, tableFilter, all, allReason } = query;
  const rules = useMemo(
    () => rulesWithFocus(ns, { facts, family, tableFilter, all, allReason }, focus),
    [ns, facts, family, tableFilter, all, allReason, focus],
  );
  // A focused chain with no rules at all (a bare built-in chain) is not listed: its policy is shown apart.
  const bareChain = focus && locateFocus(rules.iptables ?? [], focus) === null && locateFocus(rules.nft ?? [], focus) === null ? focus : null;
  const label = ns.kind === 'host' ? 'Host namespace' : `${namespaceLabel(snapshot, ns.id)}'s namespace`;
  const problems = snapshot.host.problems.filter(
    (p) => p.subject === ns.id && (p.source === FAMILY_TOOL[family] || p.source === 'nftables' || p.source === 'iptables'),
  );
  const nothing = (rules.iptables?.length ?? 0) === 0 && (rules.nft?.length ?? 0) === 0;

  return (
    <section data-testid="rules-namespace" data-namespace={ns.id} aria-label={label} className="space-y-2 border-t border-slate-200 pt-3 dark:border-slate-700">
      <div className="flex items-baseline gap-2">
        <h3 className="text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">{label}</h3>
        <span className="font-mono text-[10px] text-slate-400">{ns.id}</span>
        <button
          type="button"
          onClick={onFull}
          disabled={!ns.netfilter}
          className="ml-auto rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:outline-none disabled:opacity-50 dark:border-slate-600 dark:hover:bg-slate-800"
        >
          Full ruleset
        </button>
      </div>
      {problems.map((p, i) => (
        <p key={i} className={`text-xs ${p.severity === 'error' ? 'text-red-700 dark:text-red-400' : 'text-amber-700 dark:text-amber-400'}`}>
          [{p.severity}] {p.source}: {p.message}
        </p>
      ))}
      {rules.iptables === null && (
        <p className="text-sm text-slate-500 italic dark:text-slate-400">
          The {FAMILY_TOOL[family]} rules of this namespace were not read.
        </p>
      )}
      {nothing && rules.iptables !== null && (
        <p className="text-sm text-slate-500 italic dark:text-slate-400">
          {all
            ? `No ${family === 'ipv4' ? 'IPv4' : 'IPv6'} rules${tableFilter === 'all' ? '' : ` in ${tableFilter}`} here.`
            : `No ${family === 'ipv4' ? 'IPv4' : 'IPv6'} rule${tableFilter === 'all' ? '' : ` in ${tableFilter}`} here concerns ${who}.`}
        </p>
      )}
      {rules.widened && (
        <p className="text-xs text-slate-500 italic dark:text-slate-400">Every rule of this namespace is listed, to show the one from the packet path.</p>
      )}
      {bareChain && <BareChain ns={ns} focus={bareChain} />}
      {rules.iptables && rules.iptables.length > 0 && (
        <ChainList chains={rules.iptables} explanations={nsExplanations} rates={rates} objIdx={objIdx} onSelect={onSelect} onHighlight={onHighlight} focus={focus} />
      )}
      {rules.nft && rules.nft.length > 0 && (
        <div className="space-y-1">
          <h4 className="text-[11px] font-semibold text-slate-500 dark:text-slate-400">Native nftables</h4>
          <ChainList chains={rules.nft} explanations={nsExplanations} rates={rates} objIdx={objIdx} onSelect={onSelect} onHighlight={onHighlight} focus={focus} />
        </div>
      )}
    </section>
  );
}

/** A focused chain that is not in the listing (no rules to list): its policy, marked and scrolled to. */
function BareChain({ ns, focus }: { ns: Namespace; focus: FocusRule }) {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    ref.current?.scrollIntoView?.({ block: 'center' });
  }, [focus]);
  const nft = ns.netfilter?.nftables?.find((t) => t.name === focus.table || `${t.family} ${t.name}` === focus.table);
  const chain =
    ns.netfilter?.[focus.family]?.tables.find((t) => t.name === focus.table)?.chains.find((c) => c.name === focus.chain) ??
    nft?.chains.find((c) => c.name === focus.chain);
  return (
    <p
      ref={ref}
      data-testid="focused-chain"
      data-chain={`${focus.table}/${focus.chain}`}
      data-focused="true"
      className="rounded border border-slate-200 px-2 py-1.5 text-sm ring-2 ring-fuchsia-500 dark:border-slate-700 dark:ring-fuchsia-400"
    >
      <span className="font-mono text-xs">
        {focus.table} / {focus.chain}
      </span>{' '}
      {chain
        ? `has ${chain.rules.length === 0 ? 'no rules' : `${chain.rules.length} rule${chain.rules.length === 1 ? '' : 's'}`}${
            chain.policy ? `: its policy ${chain.policy} decides what reaches its end.` : '.'
          }${focus.index !== null && focus.index >= chain.rules.length ? ` Rule #${focus.index + 1} is not in this snapshot.` : ''}`
        : 'is not in this snapshot.'}
    </p>
  );
}
