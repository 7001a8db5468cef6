import { describe, expect, it } from 'vitest';
import { addContainer, addNetwork, syntheticSnapshot } from '../topology/synthetic';
import type { Snapshot } from '../snapshot/schema';
import { fleetMap } from './map';
import { FLEET_GEOMETRY, layoutFleet } from './map-layout';

/** A host of a few containers; with `overlay`, also on the swarm network every such host shares by id. */
function host(name: string, overlay: boolean): Snapshot {
  const s = syntheticSnapshot(4, 2);
  s.host.hostname = name;
  if (overlay) {
    const net = addNetwork(s, 'shared-overlay', 90);
    Object.assign(net, { driver: 'overlay', scope: 'swarm' });
    addContainer(s, { name: `${name}-task`, n: 90, networks: [net] });
  }
  return s;
}

describe('fleetMap', () => {
  const map = fleetMap([
    { name: 'gamma', snapshot: host('gamma', false) },
    { name: 'alpha', snapshot: host('alpha', true) },
    { name: 'beta', snapshot: host('beta', true) },
    { name: 'delta', snapshot: null },
  ]);

  it('groups each host with its networks and the containers on each; a host without a state is an empty group', () => {
    expect(map.hosts.map((h) => h.name)).toEqual(['alpha', 'beta', 'delta', 'gamma']);
    const alpha = map.hosts[0];
    expect(alpha.networks.find((n) => n.name === 'shared-overlay')?.containers).toEqual(['alpha-task']);
    expect(map.hosts[2]).toEqual({ name: 'delta', at: null, containers: 0, networks: [] });
  });

  it('joins hosts by a multi-host network id only: the synthetic local networks share ids too, and stay apart', () => {
    expect(map.overlays).toEqual([{ id: expect.any(String), name: 'shared-overlay', driver: 'overlay', hosts: ['alpha', 'beta'] }]);
  });

  it('lays the overlay out as a lane from the first to the last host carrying it, dropping into its rows', () => {
    const l = layoutFleet(map);
    const [lane] = l.lanes;
    const box = (n: string) => l.hosts.find((h) => h.name === n)!;
    expect(lane.drops.map((d) => d.host)).toEqual(['alpha', 'beta']);
    for (const d of lane.drops) {
      const b = box(d.host);
      expect(d.x).toBeGreaterThan(b.x);
      expect(d.x).toBeLessThan(b.x + b.width);
      expect(d.y).toBe(b.rows.get(lane.id));
    }
    expect([lane.x1, lane.x2]).toEqual([lane.drops[0].x, lane.drops[1].x]);
    expect(lane.y).toBeLessThan(Math.min(...l.hosts.map((h) => h.y)));
    // Hosts never overlap, and the picture holds them all.
    for (const [a, b] of l.hosts.slice(1).map((h, i) => [l.hosts[i], h])) expect(a.x + a.width + FLEET_GEOMETRY.gap).toBe(b.x);
    expect(l.width).toBeGreaterThanOrEqual(Math.max(...l.hosts.map((h) => h.x + h.width)));
    expect(l.height).toBeGreaterThanOrEqual(Math.max(...l.hosts.map((h) => h.y + h.height)));
  });
});
