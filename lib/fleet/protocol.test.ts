import { describe, expect, it } from 'vitest';
import { IngestBatch, ingestPath, INGEST_PATH, isHostName, parseScope } from './protocol';

describe('fleet token scopes', () => {
  it('reads agent:HOST and read, nothing else', () => {
    expect(parseScope('agent:node-1.example')).toEqual({ kind: 'agent', host: 'node-1.example' });
    expect(parseScope('read')).toEqual({ kind: 'read' });
    expect(parseScope('agent:')).toBeNull();
    expect(parseScope('agent:../etc')).toBeNull();
    expect(parseScope('admin')).toBeNull();
  });
  it('host names are what hostnames look like', () => {
    expect(isHostName('vm')).toBe(true);
    expect(isHostName('-x')).toBe(false);
    expect(isHostName('a b')).toBe(false);
    expect(isHostName('a/b')).toBe(false);
  });
});

describe('ingest requests', () => {
  it('the path round-trips', () => {
    expect(INGEST_PATH.exec(ingestPath('node-1'))?.[1]).toBe('node-1');
  });
  it('a batch needs a session and numbered items', () => {
    expect(IngestBatch.safeParse({ session: 'abcdefgh12', items: [{ seq: 1, snapshot: {} }] }).success).toBe(true);
    expect(IngestBatch.safeParse({ session: 'short', items: [] }).success).toBe(false);
    expect(IngestBatch.safeParse({ session: 'abcdefgh12', items: [{ seq: 0 }] }).success).toBe(false);
    expect(IngestBatch.safeParse({ session: 'abcdefgh12' }).success).toBe(false);
  });
});
