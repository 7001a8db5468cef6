/**
 * Run by cache.int.test.ts inside a network namespace of its own (`unshare --net`), which this collector takes for
 * the host: it changes that "host's" rules and reports what each snapshot saw, one JSON line per step. The real
 * host is never touched.
 */
import { execFileSync } from 'node:child_process';
import type { Snapshot } from '../../../lib/snapshot/schema';
import { Collector } from '../collector';

const AGE = 600_000; // counters may be ten minutes old: only a ruleset change can make the host be re-read
const sh = (cmd: string, ...args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' });
const hostRules = (s: Snapshot) => s.namespaces.find((n) => n.kind === 'host')?.netfilter;
let last: Snapshot['namespaces'][number]['netfilter'] | undefined;

/** One snapshot; `reread`: the host's rules are a new read, not the cached object of the snapshot before. */
async function step(c: Collector, name: string, countersMaxAgeMs = AGE) {
  const rules = hostRules(await c.snapshot({ countersMaxAgeMs }));
  const reread = rules !== last;
  last = rules;
  const tables = rules?.nftables?.map((t) => t.name) ?? [];
  process.stdout.write(JSON.stringify({ step: name, reread, tables, ipv4: JSON.stringify(rules?.ipv4 ?? null) }) + '\n');
}

const c = new Collector();
c.watch();
// Caches are used only while both watchers are up.
const w = c as unknown as { netlinkMonitor: { alive: boolean } | null; dockerWatcher: { alive: boolean } | null };
for (let i = 0; !(w.netlinkMonitor?.alive && w.dockerWatcher?.alive); i++) {
  if (i > 1200) throw new Error('the watchers did not come up within 60 s');
  await new Promise((r) => setTimeout(r, 50));
}
await step(c, 'first', 0);
await step(c, 'unchanged');
sh('nft', 'add', 'table', 'inet', 'na_cache_host');
await step(c, 'nft table added');
sh('iptables-nft', '-A', 'INPUT', '-s', '198.18.255.254/32', '-j', 'DROP');
await step(c, 'iptables-nft rule added');
await step(c, 'unchanged again');
await step(c, 'counters wanted fresh', 0);
sh('iptables-legacy', '-t', 'filter', '-L', '-n'); // loads a legacy table: no generation id tells its changes
await step(c, 'legacy loaded');
await step(c, 'legacy, unchanged');
await c.close();
