import { setFlagsFromString } from 'node:v8';
import { HUB_FLAGS, SERVE_FLAGS } from '../serve/options';
import { err, out } from '../safe-output';

// Each command imports its modules when it runs, so `--help` and `rules --file` load only what they need (the
// collector pulls in dockerode). The compiled CLI (scripts/build-cli.mjs) puts each in its own chunk.

const USAGE = `usage: netatlas <command> [options]

commands:
  snapshot              print a summary of this host's network (bridges, containers, namespaces, problems)
    --json              print the whole snapshot as JSON instead
    --out FILE          export the snapshot to FILE (and print the summary); the ending picks the format:
                        .json, .json.gz / .netatlas.json.gz, .html (opens offline with the full UI), .svg
                        (a picture of the graph); written 0600
    --redact LIST       redact the export: addresses,macs,hostname,names,labels,comments or all
    --redact-preview    print what an export with --redact LIST would carry, and write nothing
    --snapshot REF      use another snapshot (REF below) instead of this host (e.g. to redact it or turn it into
                        a page)
    --at REF            the host as it was (history or a saved snapshot) instead of now; REF below
    --save NAME         save the snapshot (live, or --at REF) under NAME in the data directory
      --note TEXT       a note kept with it
    --list              list saved snapshots;  --delete NAME  delete one
  diff A B              what changed from snapshot A to B (containers, endpoints, networks and their options,
                        ports, interfaces, routes, sysctls, listeners, rules with their explanations) and which
                        connections it broke or opened (the reachability matrix on both, the flows that changed)
    --json              print the change list and the reachability changes as JSON
    --fail-on KIND      exit 1 when there is a change of KIND: reachability (a flow broke or opened), structure or
                        rules; exit 2 when A or B cannot be loaded
    --only NAMES        only changes and flows concerning these containers or networks (comma-separated)
  history               the change log: containers, networks, namespaces, interfaces, rules, sysctls
    --since REF-TIME    from when (default -1d)
    --stats             what the store holds and its retention policy
    --json              print as JSON
  rules                 print this host's netfilter rules in traversal order, each with its role and a plain
                        explanation (rules netatlas does not understand are shown raw and flagged)
    --all               include every namespace's own rules (e.g. containers' embedded DNS rules)
    --file FILE         explain a saved dump instead (iptables-save, iptables -S, nft list or nft -j; detected;
                        - reads stdin; at most 64 MiB, see docs/limits.md)
    --snapshot REF      explain the rules of another snapshot (REF below: a file, a saved name, a time) instead
                        of the live host
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
  matrix                who reaches whom: every container, the host and a client outside × every container port,
                        published port (via the host's address and 127.0.0.1) and an address outside, each cell the
                        simulator's verdict (delivered, refused, dropped by which rule, uncertain)
    --json              print sources, targets and cells (with each cell's query) as JSON
    --snapshot REF      use another snapshot (REF below) instead of the live host

  serve                 serve the dashboard (what npm start runs); on any address but loopback it needs a token
    --host ADDR         address to bind (default 127.0.0.1, or HOST); 0.0.0.0 / :: bind every address
    --port N            port (default 4100, or PORT)
    --token-file FILE   the token (first line of FILE); NETATLAS_TOKEN does the same. Without either, a
                        non-loopback bind makes one, prints a login URL once and keeps only its hash
    --tls-cert FILE --tls-key FILE
                        serve https
    --public-name NAME  the name a reverse proxy serves netatlas under (accepted as Host/Origin)
    --data DIR          where netatlas keeps its state (default ~/.local/state/netatlas; tokens and history)
    --hub --pg URL      also a fleet hub: agents send their hosts' states (kept in PostgreSQL, URL or
                        NETATLAS_PG), the page gets a host picker and a fleet view; agents' tokens from hub-token

  check                 list the misconfigurations the snapshot proves (ip_forward, br_netfilter, MTU, published
                        ports, DOCKER-USER, names on the default bridge, macvlan), each with evidence and the fix;
                        exits 1 when any is an error
    --json              print the findings as JSON
    --snapshot REF      check another snapshot (REF below) instead of the live host
  open FILE             serve the dashboard on a snapshot file (.json, .json.gz), read-only: no live view, this
                        host is not collected; takes serve's options. Invalid, oversized or newer files are
                        refused (exit 1)
  agent                 send this host's states to a fleet hub (a whole snapshot, then deltas; resends what the
                        hub has not acknowledged, reconnecting with backoff)
    --hub URL --token-file FILE   the hub and this agent's token (scoped to this host)
    --name HOST         the host's name at the hub (default: hostname);  --interval MS (default 1000)
    --data DIR          where states the hub has not acknowledged are kept (DIR/agent/HOST.queue), so a
                        restarted agent resends them (default: the data directory, as serve's)
    --proc-root DIR     the host's /proc when it is mounted elsewhere (an agent in a container; also
                        NETATLAS_PROC_ROOT); --docker-netns DIR, --netns-dir DIR: Docker's and ip netns's
                        namespace files (NETATLAS_DOCKER_NETNS, NETATLAS_NETNS_DIR); --docker-host unix://PATH
  hub                   the fleet hub alone, without the page (JSON API under /api/fleet/v1); serve --hub is the
                        hub with the dashboard
    --pg URL --tokens FILE        the database and the token file (hashes only; see hub-token --tokens)
    --host ADDR --port N          where to listen (default 127.0.0.1:4350)
  hub-token             add a token to serve's token store (--data DIR) and print it once; agent:HOST writes
                        that host's states only and opens no page, read is a full token
    --name NAME --scope agent:HOST|read   [--data DIR]
    --revoke NAME       remove a token (a running server stops accepting it at once)
    --tokens FILE       the standalone hub's token file instead of serve's store

snapshot references (REF): live | a time: -10m, -2h, -1d, 2026-11-30T14:02Z | a saved NAME | a FILE (.json,
  .json.gz, or any path with a /) | a share link: share:ID or http://HOST/s/ID (from --data DIR's links);
  name:NAME and file:PATH when a word is both
--data DIR              where history and saved snapshots live (default $XDG_STATE_HOME/netatlas or
                        ~/.local/state/netatlas); every command accepts it

environment: DOCKER_HOST (default unix:///var/run/docker.sock). Reading namespaces and iptables needs root.
`;

type Flags = Record<string, string | true>;

/** `positional`: the names, in order, under which a command's bare arguments are stored (diff's A and B). */
function parseFlags(cmd: string, args: string[], known: Readonly<Record<string, 'flag' | 'value'>>, positional: string[] = []): Flags | string {
  const flags: Flags = {};
  let bare = 0;
  for (let i = 0; i < args.length; i++) {
    if (!args[i].startsWith('--') && bare < positional.length) {
      flags[positional[bare++]] = args[i];
      continue;
    }
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
  // `open FILE`: the one positional argument any command takes.
  const positional = cmd === 'open' && rest[0] !== undefined && !rest[0].startsWith('--') ? rest.shift() : undefined;
  const commands: Record<string, [Readonly<Record<string, 'flag' | 'value'>>, (f: Flags) => Promise<number>, string[]?]> = {
    snapshot: [
      { json: 'flag', out: 'value', redact: 'value', 'redact-preview': 'flag', snapshot: 'value', at: 'value', save: 'value', note: 'value', list: 'flag', delete: 'value', data: 'value' },
      async (f) => (f.at || f.save || f.list || f.delete ? (await import('./history')).snapshotHistoryCommand(f) : (await import('./snapshot')).snapshotCommand(f)),
    ],
    rules: [{ json: 'flag', all: 'flag', file: 'value', snapshot: 'value', data: 'value' }, rulesCommand],
    trace: [{ from: 'value', to: 'value', json: 'flag', verbose: 'flag', snapshot: 'value', batch: 'value', data: 'value' }, async (f) => (await import('./trace')).traceCommand(f, USAGE)],
    history: [{ since: 'value', json: 'flag', stats: 'flag', data: 'value' }, async (f) => (await import('./history')).historyCommand(f)],
    check: [{ json: 'flag', snapshot: 'value', data: 'value' }, async (f) => (await import('./check')).checkCommand(f)],
    serve: [{ ...SERVE_FLAGS, ...HUB_FLAGS }, async (f) => (await import('../serve/command')).serveCommand(f, USAGE)],
    open: [SERVE_FLAGS, async (f) => (await import('../share/open-command')).openCommand(positional, f, USAGE)],
    agent: [
      {
        hub: 'value',
        'token-file': 'value',
        name: 'value',
        interval: 'value',
        'snapshot-source': 'value',
        'proc-root': 'value',
        'docker-netns': 'value',
        'netns-dir': 'value',
        'docker-host': 'value',
        data: 'value',
      },
      async (f) => (await import('../fleet/cli')).agentCommand(f),
    ],
    hub: [{ pg: 'value', tokens: 'value', host: 'value', port: 'value' }, async (f) => (await import('../fleet/cli')).hubCommand(f)],
    'hub-token': [{ tokens: 'value', name: 'value', scope: 'value', revoke: 'value', data: 'value' }, async (f) => (await import('../fleet/cli')).hubTokenCommand(f)],
    matrix: [{ json: 'flag', snapshot: 'value', data: 'value' }, async (f) => (await import('./matrix')).matrixCommand(f)],
    diff: [{ json: 'flag', 'fail-on': 'value', only: 'value', data: 'value' }, async (f) => (await import('./diff')).diffCommand(f), ['a', 'b']],
  };
  const entry = commands[cmd];
  if (!entry) {
    err.text(`netatlas: unknown command '${cmd}'\n\n${USAGE}`);
    return 2;
  }
  const flags = parseFlags(cmd, rest, entry[0], entry[2]);
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
  } else if (typeof flags.snapshot === 'string') {
    const { loadSnapshotRef, dataDirOf } = await import('../history/load-ref');
    const loaded = await loadSnapshotRef(flags.snapshot, dataDirOf(flags.data));
    if (!loaded.ok) {
      err.text(`netatlas rules: ${loaded.error}\n`);
      return 1;
    }
    report = reportSnapshot(loaded.snapshot, flags.all === true);
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
