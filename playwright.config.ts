import { defineConfig } from '@playwright/test';
import { DATA, PORT } from './e2e/server';

// Debian's chromium, never a downloaded browser. The flags keep it quiet on a machine without outside network.
// Timeouts are sized for a cold, busy 2-core machine, where the server's first page waits for the hub's first
// collection (5–20 s); they are safety nets, never performance checks. Specs wait for conditions, never sleep.

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
    // A data directory of the run's own: tests never write history or tokens into the user's state directory.
    command: `node bin/netatlas.mjs serve --host 127.0.0.1 --port ${PORT} --data ${DATA}`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: false,
    timeout: 180_000, // next start, then the first page, which waits for the hub's first collection
  },
});
