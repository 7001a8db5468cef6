import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectSnapshot } from './collector';

// A veth pair whose two ends live in one namespace: `ip` names the peer instead of giving its ifindex, and the
// snapshot must still pair them (issue 9, item 6). The namespace is this test's own and is deleted afterwards.

const NS = `na-samens-${randomBytes(3).toString('hex')}`;
const ip = (...args: string[]) => execFileSync('ip', args, { encoding: 'utf8' });

beforeAll(() => {
  ip('netns', 'add', NS);
  ip('-n', NS, 'link', 'add', 'name', 'sa', 'type', 'veth', 'peer', 'name', 'sb');
});
afterAll(() => {
  ip('netns', 'del', NS);
});

describe('a veth pair inside one namespace', () => {
  it('is paired both ways in the snapshot, with no problem reported about it', async () => {
    const snap = await collectSnapshot();
    const space = snap.namespaces.find((n) => n.kind === 'named' && n.name === NS);
    expect(space, `namespace ${NS} in the snapshot`).toBeDefined();
    const end = (name: string) => space!.interfaces.find((i) => i.name === name)!;
    const [a, b] = [end('sa'), end('sb')];
    expect(a.kind).toBe('veth');
    expect(a.peer).toEqual({ namespaceId: space!.id, ifindex: b.ifindex, name: 'sb' });
    expect(b.peer).toEqual({ namespaceId: space!.id, ifindex: a.ifindex, name: 'sa' });
    expect(snap.host.problems.filter((p) => p.subject === a.id || p.subject === b.id)).toEqual([]);
  }, 60_000);
});
