import { writeFile } from 'node:fs/promises';
import { setFlagsFromString } from 'node:v8';
import { err, out } from '../safe-output';

// Each command imports its modules when it runs, so `--help` and `rules --file` load only what they need (the
// collector pulls in dockerode). The compiled CLI (scripts/build-cli.mjs) puts each in its own chunk.

const USAGE = `usage: netatlas <command> [options]

commands:
  snapshot              print a summary of this host's network (bridges, containers, namespaces, problems)
    --json              print the whole snapshot as JSON instead
    --out FILE          write the snapshot as JSON to FILE (and print the summary)
  rules                 print this host's netfilter rules in traversal order, each with its role and a plain
                        explanation (rules netatlas does not understand are shown raw and flagged)
    --all               include every namespace's own rules (e.g. containers' embedded DNS rules)
    --file FILE         explain a saved dump instead (iptables-save, iptables -S, nft list or nft -j; detected;
                        - reads stdin; at most 64 MiB, see docs/limits.md)
    --json              print the explained rules as JSON
  trace                 follow the first packet of a connection through routing, bridges, netfilter and NAT, and
                        say where it ends up (delivered, dropped by which rule, no route) and with which addresses
    --from WHO          a container (name or id), host, an ip netns name, or an IP; IP@IFACE is a client outside
                        arriving on that host interface (a plain IP nobody in the snapshot owns is one too)
    --to WHERE[:PORT][/PROTO]
                        a container or an IP ([v6addr]:PORT for IPv6); PROTO is tcp (default), udp or icmp
    --json              print the simulator's whole result as JSON
    --verbose           also list the rules that did not match, and the reply's own steps
    --snapshot FILE     trace against a saved snapshot (netatlas snapshot --out FILE) instead of the live host
    --batch FILE        answer one query per line, {"from": "...", "to": "..."} in the syntax above, against one
                        snapshot; prints one JSON result per line (- reads stdin)

environment: DOCKER_HOST (default unix:///var/run/docker.sock). Reading namespaces and iptables needs root.
`;

type Flags = Record<string, string | true>;

function parseFlags(cmd: string, args: string[], known: Record<string, 'flag' | 'value'>): Flags | string {
  const flags: Flags = {};
  for (let i = 0; i < args.length; i++) {
    const name = args[i].replace(/^--/, '');
    const kind = args[i].startsWith('--') ? known[name] : undefined;
    if (!kind) return `netatlas ${cmd}: unknown option '${args[i]}'`;
    if (kind === 'flag') flags[name] = true;
    else if (args[i + 1] === undefined) return `netatlas ${cmd}: ${args[i]} needs a value`;
    else flags[name] = args[++i];
  }
  return flags;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '-h' || cmd === '--help' || cmd === 'help') {
    out.text(USAGE);
    return cmd ? 0 : 2;
  }
  const commands: Record<string, [Record<string, 'flag' | 'value'>, (f: Flags) => Promise<number>]> = {
    snapshot: [{ json: 'flag', out: 'value' }, snapshotCommand],
    rules: [{ json: 'flag', all: 'flag', file: 'value' }, rulesCommand],
    trace: [{ from: 'value', to: 'value', json: 'flag', verbose: 'flag', snapshot: 'value', batch: 'value' }, async (f) => (await import('./trace')).traceCommand(f, USAGE)],
  };
  const entry = commands[cmd];
  if (!entry) {
    err.text(`netatlas: unknown command '${cmd}'\n\n${USAGE}`);
    return 2;
  }
  const flags = parseFlags(cmd, rest, entry[0]);
  if (typeof flags === 'string') {
    err.text(`${flags}\n\n${USAGE}`);
    return 2;
  }
  try {
    return await entry[1](flags);
  } catch (e) {
    // A crash still leaves through the safe writer: its message may quote untrusted input.
    err.text(`netatlas ${cmd}: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}

async function snapshotCommand(flags: Flags): Promise<number> {
  const [{ collectSnapshot, assertValid }, { summarize }] = await Promise.all([import('../collect/collector'), import('../../lib/snapshot/summary')]);
  const snapshot = assertValid(await collectSnapshot());
  const text = JSON.stringify(snapshot, null, 2) + '\n';
  if (typeof flags.out === 'string') await writeFile(flags.out, text);
  if (flags.json) out.json(text);
  else out.text(summarize(snapshot));
  return 0;
}

async function rulesCommand(flags: Flags): Promise<number> {
  const { formatReport, reportDump, reportJson, reportSnapshot } = await import('../../lib/netfilter/rules-report');
  let report;
  if (typeof flags.file === 'string') {
    // Explaining a dump allocates ~1 KB of short-lived objects per rule; with its default heuristics V8 lets the old
    // generation grow to ~6x a 50 MB dump before collecting. Favouring size holds it near 3x for ~35% more CPU.
    setFlagsFromString('--optimize-for-size');
    const dump = await readDump(flags.file);
    if (!dump.ok) {
      err.text(`netatlas rules: ${dump.message}\n`);
      return 1;
    }
    report = reportDump(dump.text, dump.format);
  } else {
    report = reportSnapshot(await (await import('../collect/collector')).collectSnapshot(), flags.all === true);
  }
  if (flags.json) await out.pieces(reportJson(report), 'json');
  else await out.pieces(formatReport(report), 'text');
  return 0;
}

/**
 * A dump file's text and format, or why it is refused (too big, binary, not a ruleset). Its own function so the
 * file's bytes are garbage once decoded: a local of the async command would live as long as the command.
 */
async function readDump(file: string) {
  const [{ readInput }, { dumpText, detectRulesetFormat }, { RULE_DUMP_MAX_BYTES }] = await Promise.all([
    import('./read-input'),
    import('../../lib/netfilter/detect'),
    import('../../lib/limits'),
  ]);
  const name = file === '-' ? 'stdin' : file;
  const input = await readInput(file, RULE_DUMP_MAX_BYTES);
  if (!input.ok) return input;
  const decoded = dumpText(input.bytes);
  if (!decoded.ok) return { ok: false as const, message: `${name} ${decoded.why}` };
  const format = detectRulesetFormat(decoded.text);
  if (format === 'unknown') return { ok: false as const, message: `${name} is not a ruleset netatlas recognises (iptables-save, iptables -S, nft list or nft -j output)` };
  return { ok: true as const, text: decoded.text, format };
}
