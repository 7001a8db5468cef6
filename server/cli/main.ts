import { readFile, writeFile } from 'node:fs/promises';

// Each command imports its modules when it runs, so `--help` and `rules --file` load only what they need (the
// collector pulls in dockerode). The compiled CLI (scripts/build-cli.mjs) puts each in its own chunk.

const USAGE = `usage: netatlas <command> [options]

commands:
  snapshot              print a summary of this host's network (bridges, containers, namespaces, problems)
    --json              print the whole snapshot as JSON instead
    --out FILE          write the snapshot as JSON to FILE (and print the summary)
    --at REF            the host as it was (history or a saved snapshot) instead of now; REF below
    --save NAME         save the snapshot (live, or --at REF) under NAME in the data directory
      --note TEXT       a note kept with it
    --list              list saved snapshots;  --delete NAME  delete one
  history               the change log: containers, networks, namespaces, interfaces, rules, sysctls
    --since REF-TIME    from when (default -1d)
    --stats             what the store holds and its retention policy
    --json              print as JSON
  rules                 print this host's netfilter rules in traversal order, each with its role and a plain
                        explanation (rules netatlas does not understand are shown raw and flagged)
    --all               include every namespace's own rules (e.g. containers' embedded DNS rules)
    --file FILE         explain a saved dump instead (iptables-save, iptables -S, nft list or nft -j; detected)
    --snapshot REF      explain the rules of another snapshot (REF below) instead of the live host
    --json              print the explained rules as JSON
  trace                 follow the first packet of a connection through routing, bridges, netfilter and NAT, and
                        say where it ends up (delivered, dropped by which rule, no route) and with which addresses
    --from WHO          a container (name or id), host, an ip netns name, or an IP; IP@IFACE is a client outside
                        arriving on that host interface (a plain IP nobody in the snapshot owns is one too)
    --to WHERE[:PORT][/PROTO]
                        a container or an IP ([v6addr]:PORT for IPv6); PROTO is tcp (default), udp or icmp
    --json              print the simulator's whole result as JSON
    --verbose           also list the rules that did not match, and the reply's own steps
    --snapshot REF      trace against another snapshot (REF below) instead of the live host
    --batch FILE        answer one query per line, {"from": "...", "to": "..."} in the syntax above, against one
                        snapshot; prints one JSON result per line (- reads stdin)

  agent                 send this host's states to a fleet hub (a whole snapshot, then deltas; resends what the
                        hub has not acknowledged, reconnecting with backoff)
    --hub URL --token-file FILE   the hub and this agent's token (scoped to this host)
    --name HOST         the host's name at the hub (default: hostname);  --interval MS (default 1000)
  hub                   keep a fleet's history in PostgreSQL and serve it (JSON API under /api/fleet/v1)
    --pg URL --tokens FILE        the database and the token file (hashes only; see hub-token)
    --host ADDR --port N          where to listen (default 127.0.0.1:4350)
  hub-token             add a token to a hub's token file and print it once
    --tokens FILE --name NAME --scope agent:HOST|read

snapshot references (REF): live | a time: -10m, -2h, -1d, 2026-11-30T14:02Z | a saved NAME | a FILE (.json,
  .json.gz, or any path with a /); name:NAME and file:PATH when a word is both
--data DIR              where history and saved snapshots live (default $XDG_STATE_HOME/netatlas or
                        ~/.local/state/netatlas); every command accepts it

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
    snapshot: [
      { json: 'flag', out: 'value', at: 'value', save: 'value', note: 'value', list: 'flag', delete: 'value', data: 'value' },
      async (f) => (f.at || f.save || f.list || f.delete ? (await import('./history')).snapshotHistoryCommand(f) : snapshotCommand(f)),
    ],
    rules: [{ json: 'flag', all: 'flag', file: 'value', snapshot: 'value', data: 'value' }, rulesCommand],
    trace: [{ from: 'value', to: 'value', json: 'flag', verbose: 'flag', snapshot: 'value', batch: 'value', data: 'value' }, async (f) => (await import('./trace')).traceCommand(f, USAGE)],
    history: [{ since: 'value', json: 'flag', stats: 'flag', data: 'value' }, async (f) => (await import('./history')).historyCommand(f)],
    agent: [
      { hub: 'value', 'token-file': 'value', name: 'value', interval: 'value', 'snapshot-source': 'value' },
      async (f) => (await import('../fleet/cli')).agentCommand(f),
    ],
    hub: [{ pg: 'value', tokens: 'value', host: 'value', port: 'value' }, async (f) => (await import('../fleet/cli')).hubCommand(f)],
    'hub-token': [{ tokens: 'value', name: 'value', scope: 'value' }, async (f) => (await import('../fleet/cli')).hubTokenCommand(f)],
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
  } else if (typeof flags.snapshot === 'string') {
    const { loadSnapshotRef, dataDirOf } = await import('../history/load-ref');
    const loaded = await loadSnapshotRef(flags.snapshot, dataDirOf(flags.data));
    if (!loaded.ok) {
      process.stderr.write(`netatlas rules: ${loaded.error}\n`);
      return 1;
    }
    report = reportSnapshot(loaded.snapshot, flags.all === true);
  } else {
    report = reportSnapshot(await (await import('../collect/collector')).collectSnapshot(), flags.all === true);
  }
  process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report));
  return 0;
}
