// A process that does only the raw reads (./raw-reads.ts): cli-bench compiles it like the CLI and times it.
import { rawReads } from './raw-reads';

await rawReads();
