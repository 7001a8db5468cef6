import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const alias = { '@': fileURLToPath(new URL('.', import.meta.url)) };

// Two projects: `unit` is pure and fast (lib/ on data); `integration` needs root, a real dockerd and the lab.
// Timeouts are sized for a cold, busy 2-core machine (a process start ~9 ms, a hub's first collection 5–20 s):
// they are safety nets, never performance checks (benchmarks print those).
export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['lib/**/*.test.ts', 'server/**/*.unit.test.ts', 'components/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['server/**/*.int.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          // Every expect.poll names its own timeout; this default (vitest's is 1 s) catches one that does not.
          expect: { poll: { timeout: 60_000 } },
          fileParallelism: false,
        },
      },
    ],
  },
});
