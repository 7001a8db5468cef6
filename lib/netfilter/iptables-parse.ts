import type { Counters, IptChain, IptRule, IptRuleset } from '../snapshot/netfilter-schema';
import { isBuiltinChain } from './iptables-modules';
import { parseRuleLine } from './iptables-rule';
import { tokenize } from './tokenize';
import { lines } from '../text/lines';

export { parseRule, parseRuleLine, type ParsedRuleLine } from './iptables-rule';

/** `# table: nat` introduces a table in `iptables -t nat -S` output concatenated into one file. */
const TABLE_MARKER = /^#\s*table:\s*([A-Za-z0-9_.-]+)/i;
const TABLE_HEADER = /^\*(\S+)$/;
const CHAIN_DECL = /^:(\S+)\s+(\S+)(?:\s+\[(\d+):(\d+)\])?$/;
const RULE_START = /^(?:\[\d+:\d+\]\s*)?(?:-A|--append|-I|--insert)\s/;

/** An iptables dump's tables and chains, each rule kept as `R` (the parsed rule, or less when memory matters). */
export interface IptDump<R> {
  tables: { name: string; chains: (Omit<IptChain, 'rules'> & { rules: R[] })[] }[];
  unparsedLines: IptRuleset['unparsedLines'];
}

/** A rule as a big dump keeps it: its line (re-parsed when explained) and its target, all traversal needs. */
export interface IndexedRule {
  line: string;
  target: { name: string } | null;
}

/**
 * Parses `iptables-save [-c]`, `iptables -S [-v]` (tables separated by `# table: NAME` comments, `filter` when
 * none is given) and iptables-restore input. Never throws: lines it cannot place go to `unparsedLines`.
 * A table that appears twice is merged into one entry, so table names are unique in the result.
 */
export function parseIptablesSave(text: string): IptRuleset {
  return parseIptablesDump(text, (rule) => rule);
}

/**
 * The same parse keeping each rule as its line and target only: a parsed rule costs ~1 KB of objects, ten times
 * its line, so a 50 MB dump is explained chain by chain from this index (`rules-report.ts`) and never held parsed.
 * Target objects are shared per name.
 */
export function indexIptablesDump(text: string): IptDump<IndexedRule> {
  const targets = new Map<string, { name: string }>();
  const target = (name: string) => targets.get(name) ?? targets.set(name, { name }).get(name)!;
  return parseIptablesDump(text, (rule, line) => ({ line, target: rule.target ? target(rule.target.name) : null }));
}

function parseIptablesDump<R>(text: string, keep: (rule: IptRule, line: string) => R): IptDump<R> {
  type Table = IptDump<R>['tables'][number];
  const tables: Table[] = [];
  const unparsedLines: IptRuleset['unparsedLines'] = [];
  let current: Table | null = null;
  // After COMMIT a rule needs a new `*table`; before any table header we are reading `-S` output of `filter`.
  let committed = false;

  const getTable = (name: string): Table => {
    let table = tables.find((t) => t.name === name);
    if (!table) tables.push((table = { name, chains: [] }));
    return table;
  };
  const activeTable = (): Table | null => current ?? (committed ? null : (current = getTable('filter')));

  let lineNo = 0;
  for (const original of lines(text)) {
    lineNo++;
    const line = original.trim();
    const fail = () => void unparsedLines.push({ line: lineNo, text: original });

    if (line === '') continue;
    if (line.startsWith('#')) {
      const marker = TABLE_MARKER.exec(line);
      if (marker) {
        current = getTable(marker[1]);
        committed = false;
      }
      continue;
    }
    const header = TABLE_HEADER.exec(line);
    if (header) {
      current = getTable(header[1]);
      committed = false;
      continue;
    }
    if (line === 'COMMIT') {
      if (!current) {
        fail();
        continue;
      }
      current = null;
      committed = true;
      continue;
    }

    const table = activeTable();
    if (!table) {
      fail();
      continue;
    }

    const decl = CHAIN_DECL.exec(line);
    if (decl) {
      const [, name, policy, p, b] = decl;
      declareChain(table, name, policy === '-' ? null : policy, p !== undefined ? counters(p, b) : null);
      continue;
    }
    if (line.startsWith('-P ') || line.startsWith('--policy ')) {
      const args = tokenize(line);
      if (args.length === 3) declareChain(table, args[1], args[2], null);
      else if (args.length === 6 && (args[3] === '-c' || args[3] === '--set-counters') && /^\d+$/.test(args[4] + args[5]))
        declareChain(table, args[1], args[2], counters(args[4], args[5]));
      else fail();
      continue;
    }
    if (line.startsWith('-N ') || line.startsWith('--new-chain ')) {
      const args = tokenize(line);
      if (args.length !== 2) fail();
      else getChain(table, args[1]).builtin = false;
      continue;
    }
    const parsed = RULE_START.test(line) ? parseRuleLine(line) : null;
    if (!parsed) {
      fail();
      continue;
    }
    const chain = getChain(table, parsed.chain);
    const rule = keep(parsed.rule, line);
    if (parsed.command === 'append') chain.rules.push(rule);
    else chain.rules.splice(Math.max(0, (parsed.position ?? 1) - 1), 0, rule);
  }

  return { tables, unparsedLines };
}

function counters(p: string, b: string): Counters {
  return { packets: Number(p), bytes: Number(b) };
}

/** Finds a chain, creating it on first use: iptables-restore input may use chains it never declares. */
function getChain<R>(table: IptDump<R>['tables'][number], name: string): IptDump<R>['tables'][number]['chains'][number] {
  let chain = table.chains.find((c) => c.name === name);
  if (!chain) {
    chain = { name, builtin: isBuiltinChain(table.name, name), policy: null, counters: null, rules: [] };
    table.chains.push(chain);
  }
  return chain;
}

/** `:NAME POLICY [p:b]` or `-P NAME POLICY`: only built-in chains carry a policy, so one implies built-in. */
function declareChain<R>(table: IptDump<R>['tables'][number], name: string, policy: string | null, ctr: Counters | null): void {
  const chain = getChain(table, name);
  chain.policy = policy;
  chain.builtin = policy !== null || isBuiltinChain(table.name, name);
  if (ctr) chain.counters = ctr;
}
