// Types for scripts/build-cli.mjs (plain JavaScript so bin/netatlas.mjs can run it without a TypeScript loader).
export const ROOT: string;
export const OUT_DIR: string;
export function bundle(entries: Record<string, string>, outDir: string): Promise<{ entryFiles: Record<string, string>; inputs: string[]; written: string[] }>;
export function buildCli(): Promise<string>;
