import type { Counters, IptOption, IptRule, IptRuleset } from '../snapshot/netfilter-schema';
import { BUILTIN_PRINT_ORDER, SAVE_STRING_OPTIONS } from './iptables-modules';
import { quoteArg } from './tokenize';

function formatOption(opt: IptOption): string[] {
  const saveString = SAVE_STRING_OPTIONS.has(opt.name);
  return [...(opt.negated ? ['!'] : []), `--${opt.name}`, ...opt.args.map((a) => quoteArg(a, saveString))];
}

export interface FormatRuleOptions {
  /** Write known counters as `-c p b` before the target, as `iptables -S -v` does (default true). */
  counters?: boolean;
}

/**
 * Prints a rule as iptables-save does: built-in matches first (-s -d -i -o -p -f), then the modules in their
 * order, then the target. Unparsed tokens are appended verbatim, so such a rule does not round-trip exactly.
 */
export function formatRule(chain: string, rule: IptRule, options: FormatRuleOptions = {}): string {
  const out = ['-A', quoteArg(chain)];
  for (const [field, flag] of BUILTIN_PRINT_ORDER) {
    const v = rule[field];
    if (v) out.push(...(v.negated ? ['!'] : []), flag, quoteArg(v.value));
  }
  if (rule.fragment) out.push(...(rule.fragment.negated ? ['!'] : []), '-f');
  for (const m of rule.matches) {
    out.push('-m', quoteArg(m.module));
    for (const o of m.options) out.push(...formatOption(o));
  }
  if (rule.counters && options.counters !== false) out.push('-c', String(rule.counters.packets), String(rule.counters.bytes));
  if (rule.target) {
    out.push(rule.target.goto ? '-g' : '-j', quoteArg(rule.target.name));
    for (const o of rule.target.options) out.push(...formatOption(o));
  }
  out.push(...rule.unparsed.map((t) => (/^\S+$/.test(t) ? t : quoteArg(t))));
  return out.join(' ');
}

const counters = (c: Counters | null) => (c ? `[${c.packets}:${c.bytes}]` : null);

/**
 * Prints a ruleset in iptables-save format. Counters are printed where known (as `iptables-save -c` does);
 * unknown ones are left out rather than written as zeros, which iptables-restore accepts.
 */
export function formatIptablesSave(rs: IptRuleset): string {
  const lines: string[] = [];
  for (const table of rs.tables) {
    lines.push(`*${table.name}`);
    for (const chain of table.chains) {
      const c = counters(chain.counters);
      lines.push([`:${chain.name}`, chain.policy ?? '-', ...(c ? [c] : [])].join(' '));
    }
    for (const chain of table.chains) {
      for (const rule of chain.rules) {
        const c = counters(rule.counters);
        lines.push((c ? `${c} ` : '') + formatRule(chain.name, rule, { counters: false }));
      }
    }
    lines.push('COMMIT');
  }
  return lines.join('\n') + '\n';
}
