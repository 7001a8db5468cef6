import type { Counters, IptChain, IptRuleset, IptTable } from '../snapshot/netfilter-schema';
import { isBuiltinChain } from './iptables-modules';
import { parseRuleLine } from './iptables-rule';
import { tokenize } from './tokenize';

export { parseRule, parseRuleLine, type ParsedRuleLine } from './iptables-rule';

/** `# table: nat` introduces a table in `iptables -t nat -S` output concatenated into one file. */
const TABLE_MARKER = /^#\s*table:\s*([A-Za-z0-9_.-]+)/i;
const TABLE_HEADER = /^\*(\S+)$/;
const CHAIN_DECL = /^:(\S+)\s+(\S+)(?:\s+\[(\d+):(\d+)\])?$/;
const RULE_START = /^(?:\[\d+:\d+\]\s*)?(?:-A|--append|-I|--insert)\s/;

/**
 * Parses `iptables-save [-c]`, `iptables -S [-v]` (tables separated by `# table: NAME` comments, `filter` when
 * none is given) and iptables-restore input. Never throws: lines it cannot place go to `unparsedLines`.
 * A table that appears twice is merged into one entry, so table names are unique in the result.
 */
export function parseIptablesSave(text: string): IptRuleset {
  const tables: IptTable[] = [];
  const unparsedLines: IptRuleset['unparsedLines'] = [];
  let current: IptTable | null = null;
  // After COMMIT a rule needs a new `*table`; before any table header we are reading `-S` output of `filter`.
  let committed = false;

  const getTable = (name: string): IptTable => {
    let table = tables.find((t) => t.name === name);
    if (!table) tables.push((table = { name, chains: [] }));
    return table;
  };
  const activeTable = (): IptTable | null => current ?? (committed ? null : (current = getTable('filter')));

  const lines = text.split(/\r?\n/);
  lines.forEach((original, index) => {
    const line = original.trim();
    const lineNo = index + 1;
    const fail = () => unparsedLines.push({ line: lineNo, text: original });

    if (line === '') return;
    if (line.startsWith('#')) {
      const marker = TABLE_MARKER.exec(line);
      if (marker) {
        current = getTable(marker[1]);
        committed = false;
      }
      return;
    }
    const header = TABLE_HEADER.exec(line);
    if (header) {
      current = getTable(header[1]);
      committed = false;
      return;
    }
    if (line === 'COMMIT') {
      if (!current) return fail();
      current = null;
      committed = true;
      return;
    }

    const table = activeTable();
    if (!table) return fail();

    const decl = CHAIN_DECL.exec(line);
    if (decl) {
      const [, name, policy, p, b] = decl;
      declareChain(table, name, policy === '-' ? null : policy, p !== undefined ? counters(p, b) : null);
      return;
    }
    if (line.startsWith('-P ') || line.startsWith('--policy ')) {
      const args = tokenize(line);
      if (args.length === 3) return void declareChain(table, args[1], args[2], null);
      if (args.length === 6 && (args[3] === '-c' || args[3] === '--set-counters') && /^\d+$/.test(args[4] + args[5]))
        return void declareChain(table, args[1], args[2], counters(args[4], args[5]));
      return fail();
    }
    if (line.startsWith('-N ') || line.startsWith('--new-chain ')) {
      const args = tokenize(line);
      if (args.length !== 2) return fail();
      const chain = getChain(table, args[1]);
      chain.builtin = false;
      return;
    }
    if (RULE_START.test(line)) {
      const parsed = parseRuleLine(line);
      if (!parsed) return fail();
      const chain = getChain(table, parsed.chain);
      if (parsed.command === 'append') chain.rules.push(parsed.rule);
      else chain.rules.splice(Math.max(0, (parsed.position ?? 1) - 1), 0, parsed.rule);
      return;
    }
    fail();
  });

  return { tables, unparsedLines };
}

function counters(p: string, b: string): Counters {
  return { packets: Number(p), bytes: Number(b) };
}

/** Finds a chain, creating it on first use: iptables-restore input may use chains it never declares. */
function getChain(table: IptTable, name: string): IptChain {
  let chain = table.chains.find((c) => c.name === name);
  if (!chain) {
    chain = { name, builtin: isBuiltinChain(table.name, name), policy: null, counters: null, rules: [] };
    table.chains.push(chain);
  }
  return chain;
}

/** `:NAME POLICY [p:b]` or `-P NAME POLICY`: only built-in chains carry a policy, so one implies built-in. */
function declareChain(table: IptTable, name: string, policy: string | null, ctr: Counters | null): void {
  const chain = getChain(table, name);
  chain.policy = policy;
  chain.builtin = policy !== null || isBuiltinChain(table.name, name);
  if (ctr) chain.counters = ctr;
}
