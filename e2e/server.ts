import { join } from 'node:path';

/**
 * The server Playwright starts (playwright.config.ts) and where it keeps its state. A spec that prepares state
 * with the CLI (`netatlas snapshot --save`) must write it here, or the server never sees it.
 */
export const PORT = Number(process.env.E2E_PORT ?? 4199);
export const DATA = process.env.E2E_DATA ?? join(import.meta.dirname, '..', 'tmp', `e2e-data-${PORT}`); // tmp/ is git-ignored
