import { defineConfig } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Debian's chromium, never a downloaded browser. The flags keep it quiet on a machine without outside network.
// Timeouts are sized for a cold, busy 2-core machine, where the server's first page waits for the hub's first
// collection (5–20 s); they are safety nets, never performance checks. Specs wait for conditions, never sleep.
const PORT = Number(process.env.E2E_PORT ?? 4199);
// The server's history goes to a fresh temporary directory, never the user's state directory. The config is read
// again by each worker: they inherit the variable, so all agree on one directory.
process.env.NETATLAS_E2E_DATA ||= mkdtempSync(join(tmpdir(), 'netatlas-e2e-'));

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  timeout: 120_000,
  expect: { timeout: 20_000 },
  workers: 1,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    navigationTimeout: 60_000,
    actionTimeout: 20_000,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync',
      ],
    },
  },
  webServer: {
    command: `npx next start -H 127.0.0.1 -p ${PORT}`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: false,
    env: { NETATLAS_DATA: process.env.NETATLAS_E2E_DATA },
    timeout: 180_000, // next start, then the first page, which waits for the hub's first collection
  },
});
