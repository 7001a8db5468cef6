import { makeEnvelope, NO_REDACTION, type Redaction } from '../../lib/share/envelope';
import { formatForPath, FORMAT_ENDINGS } from '../../lib/share/formats';
import { gzip } from '../../lib/share/gzip';
import { offlineHtml } from '../../lib/share/html';
import { describeRedaction, parseRedactionList, redactSnapshot } from '../../lib/share/redact';
import { summarize } from '../../lib/snapshot/summary';

import { writeExport } from '../share/snapshot-file';
import { err, out as output } from '../safe-output';

type Flags = Record<string, string | true>;

/**
 * `netatlas snapshot`: a summary of this host's network, or the snapshot as JSON, or an export to a file whose
 * ending picks the format (.json, .json.gz / .netatlas.json.gz, .html, .svg), redacted on request. `--redact-preview`
 * prints what an export with these options would carry and writes nothing.
 */
export async function snapshotCommand(flags: Flags): Promise<number> {
  const fail = (msg: string, code: number) => {
    err.text(`netatlas snapshot: ${msg}\n`);
    return code;
  };
  const redactList = typeof flags.redact === 'string' ? parseRedactionList(flags.redact) : null;
  if (redactList?.unknown.length) return fail(`unknown --redact option(s): ${redactList.unknown.join(', ')} (known: addresses, macs, hostname, names, labels, comments, all)`, 2);
  const options = redactList?.options ?? new Set();
  if (flags['redact-preview']) {
    output.text(`An export with --redact ${[...options].join(',') || '(nothing)'} carries:\n${describeRedaction(options).map((l) => `  - ${l}\n`).join('')}`);
    return 0;
  }
  const out = typeof flags.out === 'string' ? flags.out : null;
  const format = out === null ? null : formatForPath(out);
  if (out !== null && format === null) return fail(`cannot tell the format of ${out} from its ending (use ${FORMAT_ENDINGS.join(', ')})`, 2);
  if (redactList && out === null) return fail('--redact applies to an export: add --out FILE', 2);

  let snapshot;
  if (typeof flags.snapshot === 'string') {
    // Another snapshot (a file, a saved name, a moment): summarise it, or convert and redact it (e.g. to an .html
    // page) without touching this host.
    const { loadSnapshotRef, dataDirOf } = await import('../history/load-ref');
    const r = await loadSnapshotRef(flags.snapshot, dataDirOf(flags.data));
    if (!r.ok) return fail(r.error, 1);
    snapshot = r.snapshot;
  } else {
    const { assertValid, collectSnapshot } = await import('../collect/collector');
    snapshot = assertValid(await collectSnapshot());
  }
  if (out !== null && format !== null) {
    const redaction: Redaction = options.size ? { applied: [...options], described: describeRedaction(options) } : NO_REDACTION;
    const shared = options.size ? redactSnapshot(snapshot, options) : snapshot;
    const json = JSON.stringify(await makeEnvelope(shared, redaction));
    if (format === 'json') await writeExport(out, json + '\n');
    else if (format === 'json.gz') await writeExport(out, await gzip(json));
    else if (format === 'html') {
      const { offlineAssets } = await import('../share/offline-assets');
      await writeExport(out, offlineHtml({ ...(await offlineAssets()), envelopeGz: await gzip(json), title: `netatlas · ${shared.host.hostname} · ${shared.host.collectedAt}` }));
    } else {
      const [{ offlineAssets }, { staticGraphSvg }] = await Promise.all([import('../share/offline-assets'), import('../../components/graph/static-svg')]);
      await writeExport(out, staticGraphSvg(shared, (await offlineAssets()).css));
    }
  }
  if (flags.json) output.json(JSON.stringify(snapshot, null, 2) + '\n');
  else output.text(summarize(snapshot));
  return 0;
}
