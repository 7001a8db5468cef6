import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSnapshot } from './schema';

// docs/snapshot.md points readers at this example: it must stay a valid snapshot as the schema evolves.
describe('docs/snapshot.example.json', () => {
  it('is a valid snapshot with the joins the docs describe', () => {
    const s = parseSnapshot(JSON.parse(readFileSync(new URL('../../docs/snapshot.example.json', import.meta.url), 'utf8')));
    const web = s.docker!.containers.find((c) => c.name === 'lab-web')!;
    expect(web.endpoints[0].bridge).toBe('docker0');
    expect(web.endpoints[0].hostInterface).not.toBeNull();
  });
});
