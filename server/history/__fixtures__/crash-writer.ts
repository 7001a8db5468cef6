import { openSqliteHistory } from '../sqlite-store';
import { ruledHost, withTraffic } from '../../../lib/history/corpus.test-helper';
import { addContainer } from '../../../lib/topology/synthetic';

// For the kill -9 test: append revisions as fast as possible and print each id once its transaction committed.
// The parent kills this process mid-loop, then checks the store.
const opened = openSqliteHistory(process.argv[2], { keyframeEvery: 20 });
if (!opened.ok) throw new Error(opened.reason);
let s = ruledHost(40);
let t = Date.parse('2026-01-01T00:00:00Z');
for (let i = 0; ; i++) {
  s = withTraffic(s, (c) => (c.ports.length ? 1 + (i % 3) : 0));
  // Structural changes too, so keyframes and change-log rows are written mid-loop as well.
  if (i % 7 === 0) addContainer(s, { name: `crash-${i}`, n: 1000 + i, networks: [s.docker!.networks[0]] });
  s.host.collectedAt = new Date((t += 1000)).toISOString();
  const r = opened.store.appendSync(s);
  if (r) process.stdout.write(`${r.revision}\n`);
}
