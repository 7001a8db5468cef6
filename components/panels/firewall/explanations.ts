'use client';

import { useMemo, useState } from 'react';
import { explainChainPolicy, explainIptablesRule } from '@/lib/netfilter/explain';
import { emptyContext, explainContext, forNamespace } from '@/lib/netfilter/explain-context';
import { explainNftRule } from '@/lib/netfilter/explain-nft';
import type { ExplainContext, RuleExplanation } from '@/lib/netfilter/explain-types';
import type { IptRule, NftChain, NftRule, NftTable } from '@/lib/snapshot/netfilter-schema';
import type { Namespace, Snapshot } from '@/lib/snapshot/schema';
import type { Family, RuleItem } from './model';

/** What a rule the explainer could not handle shows: the raw text, flagged, never a guessed sentence. */
export const NOT_UNDERSTOOD: RuleExplanation = Object.freeze({
  role: 'unexplained',
  origin: 'unknown',
  sentence: '',
  objects: [],
  understood: false,
}) as RuleExplanation;

const MAX_ENTRIES = 50_000;

function safely(make: () => RuleExplanation): RuleExplanation {
  try {
    return make();
  } catch {
    return NOT_UNDERSTOOD; // an explainer failure is shown as "not understood", never as a guess
  }
}

/** Explanations of one namespace's rules (the explainer is told which namespace: some Docker shapes depend on it). */
export class NamespaceExplanations {
  private readonly map = new Map<string, RuleExplanation>();
  constructor(readonly ctx: ExplainContext) {}

  private get(key: string, make: () => RuleExplanation): RuleExplanation {
    let e = this.map.get(key);
    if (!e) {
      e = safely(make);
      if (this.map.size >= MAX_ENTRIES) this.map.clear();
      this.map.set(key, e);
    }
    return e;
  }

  ipt(family: Family, table: string, chain: string, rule: IptRule): RuleExplanation {
    return this.get(`i\u0000${family}\u0000${table}\u0000${chain}\u0000${rule.raw}`, () => explainIptablesRule(this.ctx, family, table, chain, rule));
  }

  nft(table: NftTable, chain: NftChain, rule: NftRule): RuleExplanation {
    return this.get(`n\u0000${table.family}\u0000${table.name}\u0000${chain.name}\u0000${rule.text}`, () => explainNftRule(this.ctx, table, chain, rule));
  }

  item(it: RuleItem): RuleExplanation {
    return it.kind === 'ipt' ? this.ipt(it.family, it.table, it.chain, it.rule) : this.nft(it.nftTable, it.nftChain, it.rule);
  }

  policy(table: string, chain: string, policy: string): RuleExplanation {
    return this.get(`p\u0000${table}\u0000${chain}\u0000${policy}`, () => explainChainPolicy(table, chain, policy));
  }
}

/**
 * Explanations, computed on demand (only rows that are drawn) and kept per rule text for as long as the explain
 * context is the same, so live revisions (counters every second) do not re-explain every rule.
 */
export class ExplanationCache {
  private readonly perNamespace = new Map<string, NamespaceExplanations>();
  constructor(readonly ctx: ExplainContext) {}

  forNamespace(ns: Pick<Namespace, 'id' | 'kind' | 'name'>): NamespaceExplanations {
    const key = `${ns.id}\u0000${ns.kind}\u0000${ns.name ?? ''}`;
    let e = this.perNamespace.get(key);
    if (!e) {
      e = new NamespaceExplanations(forNamespace(this.ctx, ns));
      this.perNamespace.set(key, e);
    }
    return e;
  }
}

function safeContext(s: Snapshot): ExplainContext {
  try {
    return explainContext(s);
  } catch {
    return emptyContext();
  }
}

/** What the explain context is built from: Docker's objects (not counters, not timestamps). */
export function contextFingerprint(s: Snapshot): string {
  return JSON.stringify(s.docker);
}

/** One cache per distinct explain context; the same cache across revisions that only move counters. */
export function useExplanations(snapshot: Snapshot): ExplanationCache {
  const fp = useMemo(() => contextFingerprint(snapshot), [snapshot]);
  const [state, setState] = useState(() => ({ fp, cache: new ExplanationCache(safeContext(snapshot)) }));
  if (state.fp !== fp) {
    // Derived state from props, updated during render (React's documented pattern).
    const next = { fp, cache: new ExplanationCache(safeContext(snapshot)) };
    setState(next);
    return next.cache;
  }
  return state.cache;
}
