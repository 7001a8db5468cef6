import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { LIVE } from './waits';

// The firewall panel against the lab's real rules (Docker 20.10 on iptables-nft here).

const node = (page: Page, kind: string, label: string) => page.locator(`[data-node-id][data-kind="${kind}"][aria-label~="${label}"]`);
const sh = (cmd: string, ...args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' }).trim();

/** Graph node ids from ground truth: `ctr:<container id>`, `ns:netns:<inode>`. */
const containerId = (name: string) => `ctr:${sh('docker', 'inspect', '-f', '{{.Id}}', name)}`;
const namespaceNodeId = (path: string) => `ns:netns:${sh('stat', '-L', '-c', '%i', path)}`;

/** Select by clicking when the node is on screen (the first test), else by deep link (also checks ?tab=). */
async function openFirewall(page: Page, selId: string) {
  await page.goto(`/?sel=${encodeURIComponent(selId)}&tab=firewall`);
  await expect(page.getByTestId('status')).toHaveText('live'); // hydrated: clicks and live counters work
  return page.getByTestId('firewall-panel');
}

test("lab-web's published ports: DNAT and ACCEPT rules, explained, naming the container", async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('status')).toHaveText('live');
  await page.getByRole('button', { name: /fit/i }).click();
  await node(page, 'container', 'lab-web').click();
  await page.getByRole('tab', { name: 'Firewall' }).click();
  const panel = page.getByTestId('firewall-panel');
  const dnat = panel.locator('[data-testid="rule"][data-role="published-port-dnat"]');
  await expect(dnat).toHaveCount(2); // 18080 on all addresses, 18081 on 127.0.0.1
  await expect(dnat.first().getByTestId('rule-explanation')).toContainText('lab-web');
  await expect(panel.locator('[data-testid="rule"][data-role="published-port-dnat"]', { hasText: '18081' }).getByTestId('rule-explanation')).toContainText('127.0.0.1');
  const accept = panel.locator('[data-testid="rule"][data-role="published-port-accept"]');
  await expect(accept).toHaveCount(1);
  await expect(accept.getByTestId('rule-explanation')).toContainText('lab-web');
  // Traversal order: nat PREROUTING's jump comes before filter FORWARD's rules.
  const chains = await panel.locator('[data-testid="rule"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-chain')));
  expect(chains.indexOf('nat/PREROUTING')).toBeGreaterThanOrEqual(0);
  expect(chains.indexOf('nat/PREROUTING')).toBeLessThan(chains.indexOf('filter/FORWARD'));
});

test('traffic to the published port moves its counters and rate, live', async ({ page }) => {
  const panel = await openFirewall(page, containerId('lab-web'));
  const row = panel.locator('[data-testid="rule"][data-role="published-port-dnat"]', { hasText: '--dport 18080' });
  const packets = async () => Number((await row.getByTestId('rule-packets').getAttribute('data-value')) ?? 'NaN');
  const before = await packets();
  expect(Number.isFinite(before)).toBe(true);
  // From the lab's "outside" namespace, through the host's veth address: the packet meets PREROUTING → DOCKER.
  for (let i = 0; i < 3; i++) sh('ip', 'netns', 'exec', 'netatlas-demo', 'timeout', '3', 'busybox', 'wget', '-qO-', 'http://198.19.255.1:18080/');
  const t0 = Date.now();
  // How soon is printed (about a 1 s tick on an idle machine), not asserted: a busy machine only waits longer.
  await expect.poll(packets, { ...LIVE, intervals: [100] }).toBeGreaterThanOrEqual(before + 3);
  console.log(`DNAT counter moved on screen ${Date.now() - t0} ms after the last request`);
  await expect(row.getByTestId('rule-rate')).not.toHaveText('—', LIVE);
});

test("a container on a user network: its namespace's embedded DNS rules appear", async ({ page }) => {
  const panel = await openFirewall(page, containerId('lab-db'));
  const ns = sh('docker', 'inspect', '-f', '{{.NetworkSettings.SandboxKey}}', 'lab-db');
  const inode = sh('stat', '-L', '-c', '%i', ns);
  const own = panel.locator(`[data-testid="rules-namespace"][data-namespace="netns:${inode}"]`);
  // Ground truth: every rule in that namespace that concerns 127.0.0.11 (the two jumps, DNAT and SNAT for tcp and udp).
  const expected = sh('nsenter', `--net=${ns}`, 'iptables-save').split('\n').filter((l) => l.startsWith('-A') && l.includes('127.0.0.11')).length;
  expect(expected).toBe(6);
  await expect(own.locator('[data-testid="rule"][data-role="embedded-dns"]')).toHaveCount(expected);
  await expect(own.locator('[data-testid="rule"][data-role="embedded-dns"]').first().getByTestId('rule-explanation')).toContainText('127.0.0.11');
});

test('rule text is untrusted: an HTML comment renders as text and runs nothing', async ({ page }) => {
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs++;
    void d.dismiss();
  });
  const panel = await openFirewall(page, namespaceNodeId('/var/run/netns/netatlas-demo'));
  const row = panel.locator('[data-testid="rule"]', { hasText: 'netatlas-lab-xss' });
  await expect(row.getByTestId('rule-raw')).toContainText('<img src=x onerror=alert(1)>');
  await expect(panel.locator('img')).toHaveCount(0);
  expect(dialogs).toBe(0);
  await expect(row).toHaveAttribute('data-role', 'user');
});
