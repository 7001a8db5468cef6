import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ruledHost, withTraffic } from '../../lib/history/corpus.test-helper';
import { diffSnapshots } from '../../lib/history/delta';
import type { Snapshot } from '../../lib/snapshot/schema';
import { Agent } from './agent';
import { DiskQueue } from './agent-queue';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'netatlas-queue-unit-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const states = (n: number): Snapshot[] => {
  const out = [ruledHost(3)];
  for (let i = 1; i < n; i++) out.push(withTraffic(out[0], (c) => (c.ports.length ? i * 1000 : 0)));
  return out;
};

/** An agent over a queue in `dir` that collects the given states in turn and never reaches a hub. */
function agentOver(seq: Snapshot[], opts: { queueMaxBytes?: number } = {}) {
  let i = 0;
  const log: string[] = [];
  const agent = new Agent({ hub: 'http://127.0.0.1:9', host: 'h', token: 't', collect: async () => seq[Math.min(i++, seq.length - 1)], queue: new DiskQueue(dir, 'h'), log: (l) => log.push(l), ...opts });
  return { agent, log };
}

describe('DiskQueue', () => {
  it('a restarted agent gets back every state, numbered on in the same session', async () => {
    const s = states(4);
    const a = agentOver(s);
    for (let i = 0; i < 4; i++) await a.agent.collectOnce();
    const restored = new DiskQueue(dir, 'h').load();
    expect(restored.state?.session).toBe(a.agent.session);
    expect(restored.state?.base.snapshot).toEqual(s[0]);
    expect(restored.state?.pending.map((p) => p.seq)).toEqual([2, 3, 4]);
    expect(restored.state?.pending[2].delta).toEqual(diffSnapshots(s[2], s[3]));
  });

  it('drops a torn last line (a write cut short) and says so', async () => {
    const a = agentOver(states(3));
    for (let i = 0; i < 3; i++) await a.agent.collectOnce();
    appendFileSync(join(dir, 'agent', 'h.queue'), '{"t":"d","seq":4,"del');
    const r = new DiskQueue(dir, 'h').load();
    expect(r.state?.pending.map((p) => p.seq)).toEqual([2, 3]);
    expect(r.note).toMatch(/torn last line dropped/);
  });

  it('sets an unreadable journal aside with the reason, loses nothing, and starts afresh', () => {
    new DiskQueue(dir, 'h');
    writeFileSync(join(dir, 'agent', 'h.queue'), '{"t":"base","session":"s","seq":1,"acked":false,"snapshot":{"schemaVersion":1}}\n');
    const r = new DiskQueue(dir, 'h').load();
    expect(r.state).toBeNull();
    expect(r.note).toMatch(/its base state is not a valid snapshot.*kept as .*h\.queue\.unreadable-\d+, started afresh/);
    const aside = readdirSync(join(dir, 'agent')).find((f) => f.includes('unreadable'))!;
    expect(readFileSync(join(dir, 'agent', aside), 'utf8')).toContain('"session":"s"');
  });

  it('stays under its size limit by folding the oldest states into the base, and says how many', async () => {
    const s = states(30);
    const a = agentOver(s, { queueMaxBytes: 40_000 });
    for (let i = 0; i < 30; i++) await a.agent.collectOnce();
    const q = new DiskQueue(dir, 'h');
    const r = q.load();
    expect(q.bytes).toBeLessThanOrEqual(40_000);
    expect(r.state!.base.seq).toBeGreaterThan(1);
    expect(r.state!.pending.at(-1)!.seq).toBe(30);
    expect(a.log.some((l) => /^dropped \d+ states the hub never acknowledged \(over 40000 bytes on disk\)$/.test(l))).toBe(true);
  });
});
