import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { projectsOf } from '../lib/topology/projects';
import { syntheticSnapshot } from '../lib/topology/synthetic';

// The graph at operator scale against the lab: network names on bridges, compose projects folded and unfolded,
// the reachability matrix, a path brought into view, and screenshots after Fit that a person can read.

const sh = (cmd: string, ...args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' }).trim();
const node = (page: Page, kind: string, label: string) => page.locator(`[data-node-id][data-kind="${kind}"][aria-label~="${label}"]`);
const SHOP = ['netatlas-shop-api-1', 'netatlas-shop-db-1', 'netatlas-shop-web-1'];

test.use({ viewport: { width: 1600, height: 1000 } });

async function open(page: Page, query = '') {
  // No zoom animation: a screenshot or a position is taken when the view has arrived, not halfway.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.goto(`/${query}`);
  await expect(page.getByTestId('status')).toHaveText('live');
}

/**
 * The font size on screen (px) of every drawn container label: its CSS size times the zoom. A finding badge's
 * glyph (`!`, `i` in its coloured dot) is a mark, not a label.
 */
async function containerLabelSizes(page: Page): Promise<number[]> {
  return labelSizes(page, '[data-kind="container"] text');
}

async function labelSizes(page: Page, selector: string): Promise<number[]> {
  return page.locator(selector).evaluateAll((els) =>
    (els as SVGTextElement[]).filter((e) => getComputedStyle(e).display !== 'none' && !e.closest('[data-finding-badge]')).map((e) => parseFloat(getComputedStyle(e).fontSize) * e.getScreenCTM()!.a));
}

/** Fit, and wait until the view is committed (no zoom still on its way: usePanZoom's data-moving). */
async function fit(page: Page) {
  await page.getByTestId('fit').click();
  await expect(page.getByTestId('topology')).not.toHaveAttribute('data-moving');
}

test('bridges carry their Docker network name first and their kernel name second', async ({ page }) => {
  await open(page);
  for (const net of ['netatlas-lab-a', 'netatlas-lab-b', 'netatlas-lab-shop']) {
    const kernel = `br-${sh('docker', 'network', 'inspect', '-f', '{{.Id}}', net).slice(0, 12)}`;
    const bridge = node(page, 'bridge', net);
    await expect(bridge).toHaveCount(1);
    await expect(bridge.locator('text').first()).toHaveText(net);
    await expect(bridge.locator('title')).toContainText(kernel);
  }
  const docker0 = page.locator('[data-node-id="br:docker0"]'); // the default network, `bridge`
  await expect(docker0).toHaveAttribute('aria-label', 'bridge bridge');
  await expect(docker0.locator('title')).toContainText('docker0');
});

test('a compose project is one node that unfolds on click and folds back from the toolbar', async ({ page }) => {
  await open(page);
  await page.getByTestId('fit').click(); // the whole lab on screen, wherever the project landed
  const project = node(page, 'project', 'netatlas-shop');
  await expect(project).toHaveCount(1);
  await expect(project).toHaveAttribute('aria-label', /netatlas-shop — 3 containers, 1 network/);
  for (const name of SHOP) await expect(node(page, 'container', name)).toHaveCount(0);
  await project.click();
  for (const name of SHOP) await expect(node(page, 'container', name)).toHaveCount(1);
  await expect(project).toHaveCount(0);
  const toggle = page.getByTestId('projects').getByRole('button', { name: /netatlas-shop/ });
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await toggle.click();
  await expect(project).toHaveCount(1);
  for (const name of SHOP) await expect(node(page, 'container', name)).toHaveCount(0);
});

test('after Fit the lab fills the canvas with readable container names (screenshot)', async ({ page }) => {
  await open(page);
  await fit(page);
  const heights = await containerLabelSizes(page);
  expect(heights.length).toBeGreaterThanOrEqual(8);
  expect(Math.min(...heights), 'smallest container label on screen, px').toBeGreaterThanOrEqual(9);
  const containers = sh('docker', 'ps', '-q').split('\n').filter(Boolean).length;
  await page.screenshot({ path: `test-results/graph-fit-lab-${containers}-containers.png` });
});

test('the matrix names the isolation rule for lab-api → lab-web and opens that path', async ({ page }) => {
  await open(page, '?tab=reach');
  const row = page.locator('[data-testid="reach-row"][data-source="lab-api + lab-sidecar"]');
  const cell = row.locator('[data-testid="reach-cell"][data-target="lab-web:80"]');
  await expect(cell).toHaveAttribute('data-verdict', 'dropped', { timeout: 60_000 }); // a cold worker on a busy host
  await expect(cell).toHaveAttribute('aria-label', /DOCKER-ISOLATION-STAGE-2/);
  await expect(cell).toHaveAttribute('aria-label', /isolated/);
  await cell.click();
  const panel = page.getByTestId('paths-panel');
  await expect(panel.getByTestId('path-outcome')).toHaveText('dropped');
  await expect(page.getByTestId('path-overlay')).toHaveCount(1);
  await page.screenshot({ path: 'test-results/graph-matrix-path.png' });
});

test('showing a path pans and zooms until every hop and its destination are on screen', async ({ page }) => {
  await open(page, '?tab=reach');
  // Zoom far in on a corner first, so the path starts off screen.
  const svg = page.getByTestId('topology');
  await svg.focus();
  for (let i = 0; i < 6; i++) await page.keyboard.press('+');
  for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowLeft');
  const cell = page.locator('[data-testid="reach-row"][data-source="lab-api + lab-sidecar"] [data-testid="reach-cell"][data-target="lab-web:80"]');
  await expect(cell).toHaveAttribute('data-verdict', 'dropped', { timeout: 60_000 });
  await cell.click();
  await expect(page.getByTestId('path-overlay')).toHaveCount(1);
  const view = (await svg.boundingBox())!;
  const web = node(page, 'container', 'lab-web'); // the destination: the packet is dropped before it
  const hops = page.locator('[data-on-path]');
  await expect.poll(async () => {
    const boxes = [...(await hops.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()))), (await web.boundingBox())!];
    return boxes.filter((b) => b.x < view.x - 1 || b.y < view.y - 1 || b.x + b.width > view.x + view.width + 1 || b.y + b.height > view.y + view.height + 1).length;
  }).toBe(0);
  expect(await hops.count()).toBeGreaterThan(2);
});

test('the legend starts folded, and remembers being opened or folded', async ({ page }) => {
  await open(page);
  const legend = page.getByTestId('legend');
  await expect(legend).not.toHaveAttribute('open');
  await legend.locator('summary').click();
  await expect(legend).toHaveAttribute('open');
  await page.reload();
  await expect(page.getByTestId('status')).toHaveText('live');
  await expect(legend).toHaveAttribute('open');
  await legend.locator('summary').click();
  await expect(legend).not.toHaveAttribute('open');
  await page.reload();
  await expect(page.getByTestId('status')).toHaveText('live');
  await expect(legend).not.toHaveAttribute('open');
});

// Hosts this machine cannot hold next to everyone's work: the same hand-built snapshots the layout bench measures
// (lib/topology/synthetic), opened as files; bench:live takes the same pictures of real containers. After Fit: at 50
// containers every container and network name is drawn at 9 px or more on screen; at 300 (20 compose projects and
// 50 containers of none, like bench:live's host) the host opens on groups — the projects, and the containers of no
// project by network (lib/topology/projects) — and every group, network and container name is drawn; at both, no
// label is drawn under ~6.5 px (semantic zoom hides it instead: lib/topology/labels).
test('after Fit, hosts of 50 and 300 containers are read by their names (screenshots)', async ({ page }, info) => {
  await open(page);
  for (const { containers, projects, loose, minName } of [
    { containers: 50, projects: 0, loose: 0, minName: 9 },
    { containers: 300, projects: 20, loose: 50, minName: 6.4 },
  ]) {
    const file = info.outputPath(`synthetic-${containers}.json`);
    const snapshot = syntheticSnapshot(containers, 6, projects, loose);
    writeFileSync(file, JSON.stringify(snapshot));
    await page.getByTestId('open-file-input').setInputFiles(file);
    await expect(page.getByTestId('file-banner')).toContainText(`synthetic-${containers}.json`);
    await expect(page.locator('[data-node-id][data-kind="container"]').first()).toBeAttached();
    await fit(page);
    const canvas = (await page.getByTestId('topology').boundingBox())!;
    info.annotations.push({ type: `graph canvas at ${containers}`, description: `${canvas.width}×${canvas.height}` });
    const drawn = await labelSizes(page, 'svg[data-testid="topology"] text');
    expect(drawn.length, 'labels drawn').toBeGreaterThan(0);
    expect(Math.min(...drawn), 'smallest label drawn, px on screen').toBeGreaterThanOrEqual(6.4);
    const shownContainers = await page.locator('[data-node-id][data-kind="container"]').count();
    const containerNames = await containerLabelSizes(page);
    expect(containerNames.length, 'container names drawn').toBe(shownContainers);
    expect(Math.min(...containerNames), 'smallest container name, px on screen').toBeGreaterThanOrEqual(minName);
    const bridgeNames = await labelSizes(page, '[data-kind="bridge"] text[class*="name-"]');
    expect(bridgeNames.length, 'network names drawn').toBe(snapshot.docker!.networks.length);
    expect(Math.min(...bridgeNames), 'smallest network name, px on screen').toBeGreaterThanOrEqual(minName);
    const groups = projectsOf(snapshot).length;
    expect(groups, 'groups').toBe(projects === 0 ? 0 : projects + 6); // at 300, one per network of the containers of no project
    expect((await labelSizes(page, '[data-kind="project"] > text:first-of-type')).length, 'group names drawn').toBe(groups);
    await page.screenshot({ path: `test-results/graph-fit-synthetic-${containers}-containers.png` }); // bench:live: graph-fit-N-containers.png
  }
});
