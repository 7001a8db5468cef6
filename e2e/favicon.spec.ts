import { expect, test } from '@playwright/test';

// Loading the dashboard asks for nothing that is missing: the favicon comes from public/.

test('the page loads without a failed request, and its icon is the SVG in public/', async ({ page }) => {
  const failed: string[] = [];
  page.on('response', (r) => {
    if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
  });
  await page.goto('/');
  await expect(page.getByTestId('status')).toHaveText('live', { timeout: 30_000 });

  const href = await page.locator('link[rel="icon"]').getAttribute('href');
  expect(href).toBe('/favicon.svg');
  const icon = await page.request.get(href!);
  expect(icon.status()).toBe(200);
  expect(icon.headers()['content-type']).toContain('image/svg+xml');
  expect(await icon.text()).toContain('<svg');
  expect(failed).toEqual([]);
});
