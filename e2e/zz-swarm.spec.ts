import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { LIVE } from './waits';

// Single-node swarm, drawn and explained. Runs last (files run in name order): swarm mode changes the shared
// dockerd's rules, so this file turns it on for itself and always off again (`lab.sh swarm-down`: swarm leave --force,
// docker_gwbridge removed). Ground truth from docker and stat, not from netatlas.

const lab = join(import.meta.dirname, 'lab/lab.sh');
const sh = (cmd: string, ...args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' }).trim();
const node = (page: Page, kind: string, label: string) => page.locator(`[data-node-id][data-kind="${kind}"][aria-label~="${label}"]`);
const nsNodeId = (path: string) => `ns:netns:${sh('stat', '-L', '-c', '%i', path)}`;
const OVERLAY = 'netatlas-lab-overlay';

test.describe.configure({ mode: 'serial' });

test.beforeAll(() => {
  test.setTimeout(300_000);
  sh('bash', lab, 'swarm-up');
});

test.afterAll(() => {
  test.setTimeout(300_000);
  sh('bash', lab, 'swarm-down');
  expect(sh('docker', 'info', '--format', '{{.Swarm.LocalNodeState}}')).toBe('inactive');
});

test("the overlay network's namespace (br0, vxlan0, the task's veth), ingress_sbox, docker_gwbridge and the task", async ({ page }) => {
  const netId = sh('docker', 'network', 'inspect', '-f', '{{.Id}}', OVERLAY);
  const overlayNs = nsNodeId(`/var/run/docker/netns/1-${netId.slice(0, 10)}`);
  const sboxNs = nsNodeId('/var/run/docker/netns/ingress_sbox');
  const task = sh('docker', 'ps', '-q', '--no-trunc', '--filter', 'label=com.docker.swarm.service.name=netatlas-lab-svc');
  await page.goto('/');
  await expect(page.getByTestId('status')).toHaveText('live');
  await page.getByRole('button', { name: /fit/i }).click();

  const overlayBox = page.locator(`[data-node-id="${overlayNs}"]`);
  await expect(overlayBox).toHaveAttribute('aria-label', `namespace overlay ${OVERLAY}`, LIVE);
  const inOverlay = page.locator(`[data-node-id][data-parent="${overlayNs}"]`);
  await expect(inOverlay.and(page.locator('[aria-label~="br0"]'))).toHaveCount(1, LIVE);
  await expect(inOverlay.and(page.locator('[aria-label~="vxlan0"]'))).toHaveCount(1);
  // veth0 to the overlay's load balancer, veth1 to the task.
  await expect(inOverlay.and(page.locator('[data-kind="veth"]'))).toHaveCount(2);
  await expect(page.locator(`[data-node-id="${sboxNs}"]`)).toHaveAttribute('aria-label', 'namespace ingress_sbox');
  await expect(node(page, 'bridge', 'docker_gwbridge')).toHaveCount(1);

  const taskNode = page.locator(`[data-node-id="ctr:${task}"]`);
  await expect(taskNode).toHaveCount(1, LIVE);
  await taskNode.click();
  const panel = page.getByTestId('details-panel');
  await expect(panel).toContainText('swarm service');
  await expect(panel).toContainText('netatlas-lab-svc');
  await expect(panel).toContainText(OVERLAY);
  await page.screenshot({ path: 'test-results/swarm.png', fullPage: true });
});

test("the service's host-mode published port: Docker's DNAT to the task through docker_gwbridge, explained", async ({ page }) => {
  const task = sh('docker', 'ps', '-q', '--no-trunc', '--filter', 'label=com.docker.swarm.service.name=netatlas-lab-svc');
  const name = sh('docker', 'inspect', '-f', '{{.Name}}', task).replace(/^\//, '');
  await page.goto(`/?sel=${encodeURIComponent(`ctr:${task}`)}&tab=firewall`);
  await expect(page.getByTestId('status')).toHaveText('live');
  const panel = page.getByTestId('firewall-panel');
  const dnat = panel.locator('[data-testid="rule"][data-role="published-port-dnat"]', { hasText: '18090' });
  await expect(dnat).toHaveCount(1, LIVE);
  await expect(dnat.getByTestId('rule-explanation')).toContainText(name);
});
