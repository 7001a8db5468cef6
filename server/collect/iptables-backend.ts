import { readFile } from 'node:fs/promises';
import type { IptablesBackend } from '../../lib/snapshot/schema';
import { run } from './exec';

const countRules = (save: string) => save.split('\n').filter((l) => /^(\[\d+:\d+\] )?-A /.test(l)).length;

/**
 * Which backend `iptables` writes to, and whether the other one holds rules too. The kernel runs both, so a host
 * where Docker wrote legacy rules and something else wrote nf_tables rules (or the reverse) is easy to misread.
 * `activeSave` is this run's iptables-save output for the active backend, so it is not read twice.
 */
export async function detectBackend(activeSave: string | null): Promise<IptablesBackend> {
  let version: string | null = null;
  let active: IptablesBackend['active'] = 'unknown';
  try {
    const r = await run('iptables', ['--version'], { timeoutMs: 5_000 });
    version = r.stdout.trim() || null;
    active = /nf_tables/.test(r.stdout) ? 'nf_tables' : /legacy/.test(r.stdout) ? 'legacy' : 'unknown';
  } catch {
    return { active, version, legacyHasRules: null, nftHasRules: null, warning: null };
  }
  const activeHas = activeSave === null ? null : countRules(activeSave) > 0;
  let otherHas: boolean | null = null;
  if (active === 'nf_tables') {
    // Legacy tables exist only once the ip_tables module is loaded; reading this file never loads it.
    const names = await readFile('/proc/net/ip_tables_names', 'utf8').catch(() => '');
    otherHas = names.trim() === '' ? false : await savedRules('iptables-legacy-save');
  } else if (active === 'legacy') {
    otherHas = await savedRules('iptables-nft-save');
  }
  const legacyHasRules = active === 'legacy' ? activeHas : otherHas;
  const nftHasRules = active === 'nf_tables' ? activeHas : otherHas;
  const warning =
    legacyHasRules && nftHasRules
      ? 'Both iptables backends hold rules (legacy and nf_tables): the kernel applies both, but each tool shows only its own.'
      : null;
  return { active, version, legacyHasRules, nftHasRules, warning };
}

async function savedRules(tool: string): Promise<boolean | null> {
  try {
    const r = await run(tool, [], { timeoutMs: 10_000 });
    return r.code === 0 ? countRules(r.stdout) > 0 : null;
  } catch {
    return null;
  }
}
