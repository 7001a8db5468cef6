import { chromium } from 'playwright-core';

// What the browser benchmarks share: Debian's chromium with the flags that keep it quiet offline (as
// playwright.config.ts), percentiles, and waiting for the server under test.

const CHROME_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const launchChromium = () => chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROME_ARGS });

export const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

export const containerNode = (name: string) => `[data-node-id][data-kind="container"][aria-label~="${name}"]`;

/** Until `base` answers 200, for up to a minute. */
export async function waitForServer(base: string) {
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(base)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${base} did not come up`);
}
