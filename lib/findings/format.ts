import type { FindingsReport } from './types';

/** `netatlas check`'s text: one block per finding, errors first, then the checks that could not run. */
export function formatFindings(r: FindingsReport): string {
  const count = (level: string) => r.findings.filter((f) => f.level === level).length;
  const out = [`${count('error')} error(s), ${count('warning')} warning(s), ${count('info')} info`, ''];
  for (const f of r.findings) {
    out.push(`${f.level.toUpperCase().padEnd(8)}${f.title}`);
    for (const e of f.evidence) out.push(`        · ${e}`);
    out.push(`        fix: ${f.fix}`);
    if (f.objects.length) out.push(`        concerns: ${f.objects.map((o) => o.label).join(', ')}`);
    out.push('');
  }
  if (r.findings.length === 0) out.push('no findings', '');
  for (const s of r.skipped) out.push(`not checked: ${s.check} (${s.why})`);
  return out.join('\n').replace(/\n*$/, '\n');
}
