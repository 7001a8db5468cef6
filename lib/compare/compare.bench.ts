/**
 * Compare timings: `npm run bench:compare` (`tsx lib/compare/compare.bench.ts`). Two synthetic hosts with Docker's
 * iptables (lib/history/corpus.test-helper.ts over lib/topology/synthetic.ts), routed like a real one (`realistic`),
 * and a change between them: a container connected to another network and a DOCKER-USER rule. Prints the change
 * list and the differential reachability (THE matrix on both snapshots) separately; nothing asserts a timing.
 */
import { parseRule } from '../netfilter/iptables-rule';
import { ruledHost } from '../history/corpus.test-helper';
import type { IptRule, Snapshot } from '../snapshot/schema';
import { connectNetwork } from '../topology/synthetic';
import { compareChanges } from './changes';
import { compareSnapshots, listedForPage, NEW_FLOWS_LISTED } from './compare';
import { diffReach } from './reach-diff';

const route = (dst: string, dev: string, gateway: string | null = null): Snapshot['namespaces'][number]['routes'][number] =>
  ({ family: 'inet', dst, gateway, dev, protocol: 'kernel', scope: gateway ? null : 'link', prefsrc: null, metric: null, type: 'unicast' });

/**
 * What the synthetic host leaves out and a trace needs, so every trace walks as far as on a real host: each
 * namespace's routes (its subnets, a default route via its first network's gateway), the host's routes to the
 * bridges, empty rulesets inside containers (Docker's DNS rules do not matter here) and a listener on :80.
 */
function realistic(s: Snapshot): Snapshot {
  const host = s.namespaces[0];
  for (const n of s.docker!.networks) host.routes.push(route(n.subnets[0].subnet, n.bridge!));
  for (const c of s.docker!.containers) {
    const ns = s.namespaces.find((x) => x.id === c.namespaceId);
    if (!ns || ns.kind !== 'container' || c.networkMode.kind === 'container') continue;
    routesOf(s, c.name, ns);
    ns.netfilter = { ipv4: { tables: [], unparsedLines: [] }, ipv6: null, nftables: null };
    ns.listeners = [{ protocol: 'tcp', family: 'inet', address: '0.0.0.0', port: 80, inode: 1, processes: [] }];
  }
  return s;
}

function routesOf(s: Snapshot, name: string, ns: Snapshot['namespaces'][number]) {
  const c = s.docker!.containers.find((x) => x.name === name)!;
  const eps = c.endpoints.flatMap((e) => {
    const net = s.docker!.networks.find((n) => n.id === e.networkId);
    return net && e.containerInterface ? [{ subnet: net.subnets[0].subnet, dev: e.containerInterface.name, gateway: e.gateway }] : [];
  });
  ns.routes = eps.map((e) => route(e.subnet, e.dev));
  if (eps[0]) ns.routes.unshift(route('default', eps[0].dev, eps[0].gateway));
}

function changed(a: Snapshot): Snapshot {
  const b = structuredClone(a);
  const ctr = b.docker!.containers.find((c) => c.name === 'app-001')!;
  const other = b.docker!.networks.find((n) => !ctr.endpoints.some((e) => e.networkId === n.id) && n.name !== 'bridge')!;
  connectNetwork(b, ctr, other, 1);
  routesOf(b, ctr.name, b.namespaces.find((x) => x.id === ctr.namespaceId)!);
  const user = b.namespaces[0].netfilter!.ipv4!.tables.find((t) => t.name === 'filter')!.chains.find((c) => c.name === 'DOCKER-USER')!;
  user.rules.unshift(parseRule('-A DOCKER-USER -s 203.0.113.0/24 -j DROP') as IptRule);
  return b;
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];

for (const n of [10, 50, 100]) {
  const a = realistic(ruledHost(n));
  const b = changed(a);
  const runs = n <= 50 ? 5 : 3;
  const tChanges: number[] = [];
  const tReach: number[] = [];
  let summary = '';
  for (let i = 0; i < runs; i++) {
    // Fresh copies: the simulator caches per snapshot object, and a real comparison meets each snapshot once.
    const [x, y] = [structuredClone(a), structuredClone(b)];
    const t0 = performance.now();
    const changes = compareChanges(x, y);
    const t1 = performance.now();
    const reach = diffReach(x, y, changes);
    const t2 = performance.now();
    tChanges.push(t1 - t0);
    tReach.push(t2 - t1);
    const kinds = ['broken', 'opened', 'changed', 'new'].map((k) => `${reach.changes.filter((f) => f.kind === k).length} ${k}`).join(', ');
    summary = `${changes.length} changes; ${reach.sources.length} sources × ${reach.targets.length} targets, ${reach.compared} flows compared: ${kinds}`;
  }
  const total = median(tChanges.map((c, i) => c + tReach[i]));
  console.log(
    `compare, ${n} containers: ${total.toFixed(0)} ms median of ${runs} (change list ${median(tChanges).toFixed(0)} ms, reachability on both ${median(tReach).toFixed(0)} ms)` +
      `${n === 50 ? ' — target ≤ 2000 ms' : ''}\n  ${summary}`,
  );
}

// A host that grew (a deploy, or `-1m` against live while a benchmark starts containers): most flows are new.
// What it costs to compare, and what the answer weighs (`compare.diff` sends it to the page; `--json` prints it).
{
  const a = realistic(ruledHost(60));
  const b = realistic(ruledHost(240));
  const t0 = performance.now();
  const c = compareSnapshots(a, b);
  const ms = performance.now() - t0;
  const fresh = c.reachability.changes.filter((f) => f.kind === 'new').length;
  const mb = (x: unknown) => (JSON.stringify(x).length / 1e6).toFixed(2);
  console.log(`compare, 60 → 240 containers: ${ms.toFixed(0)} ms, ${fresh} new flows of ${c.reachability.changes.length}; ` +
    `the whole comparison ${mb(c)} MB (--json), the page's ${mb(listedForPage(c))} MB (every other flow, ${NEW_FLOWS_LISTED} new ones)`);
}
