import { readFile, writeFile } from 'node:fs/promises';

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
    --file FILE         explain a saved dump instead (iptables-save, iptables -S, nft list or nft -j; detected)
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
  matrix                who reaches whom: every container, the host and a client outside × every container port,
                        published port (via the host's address and 127.0.0.1) and an address outside, each cell the
                        simulator's verdict (delivered, refused, dropped by which rule, uncertain)
    --json              print sources, targets and cells (with each cell's query) as JSON
    --snapshot FILE     use a saved snapshot instead of the live host

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
    process.stdout.write(USAGE);
    return cmd ? 0 : 2;
  }
  const commands: Record<string, [Record<string, 'flag' | 'value'>, (f: Flags) => Promise<number>]> = {
    snapshot: [{ json: 'flag', out: 'value' }, snapshotCommand],
    rules: [{ json: 'flag', all: 'flag', file: 'value' }, rulesCommand],
    trace: [{ from: 'value', to: 'value', json: 'flag', verbose: 'flag', snapshot: 'value', batch: 'value' }, async (f) => (await import('./trace')).traceCommand(f, USAGE)],
    matrix: [{ json: 'flag', snapshot: 'value' }, async (f) => (await import('./matrix')).matrixCommand(f)],
  };
  const entry = commands[cmd];
  if (!entry) {
    process.stderr.write(`netatlas: unknown command '${cmd}'\n\n${USAGE}`);
    return 2;
  }
  const flags = parseFlags(cmd, rest, entry[0]);
  if (typeof flags === 'string') {
    process.stderr.write(`${flags}\n\n${USAGE}`);
    return 2;
  }
  return entry[1](flags);
}

async function snapshotCommand(flags: Flags): Promise<number> {
  const [{ collectSnapshot, assertValid }, { summarize }] = await Promise.all([import('../collect/collector'), import('../../lib/snapshot/summary')]);
  const snapshot = assertValid(await collectSnapshot());
  const text = JSON.stringify(snapshot, null, 2) + '\n';
  if (typeof flags.out === 'string') await writeFile(flags.out, text);
  process.stdout.write(flags.json ? text : summarize(snapshot));
  return 0;
}

async function rulesCommand(flags: Flags): Promise<number> {
  const { formatReport, reportDump, reportSnapshot } = await import('../../lib/netfilter/rules-report');
  let report;
  if (typeof flags.file === 'string') {
    let text: string;
    try {
      text = await readFile(flags.file, 'utf8');
    } catch (e) {
      process.stderr.write(`netatlas rules: cannot read ${flags.file}: ${(e as Error).message}\n`);
      return 1;
    }
    const parsed = (await import('../../lib/netfilter/detect')).parseRulesetText(text);
    if (parsed.format === 'unknown') {
      process.stderr.write(`netatlas rules: ${flags.file} is not a ruleset netatlas recognises (iptables-save, iptables -S, nft list or nft -j output)\n`);
      return 1;
    }
    report = reportDump(parsed);
  } else {
    report = reportSnapshot(await (await import('../collect/collector')).collectSnapshot(), flags.all === true);
  }
  process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report));
  return 0;
}
