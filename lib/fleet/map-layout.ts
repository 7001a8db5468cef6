import type { FleetMap } from './map';

/**
 * Where the fleet view draws things. Hosts are columns of equal width, left to right in the map's order; each host
 * lists its networks as rows. Overlays are horizontal lanes above the hosts, one per overlay, each running from the
 * first to the last host column carrying it, with a drop into that network's row in every host that carries it.
 * Pure and deterministic: the same map gives the same picture.
 */
export const FLEET_GEOMETRY = { hostWidth: 240, gap: 48, margin: 24, lane: 30, headerHeight: 34, rowHeight: 44 } as const;

export interface HostBox {
  name: string;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Each network row's top, by network id. */
  rows: Map<string, number>;
}

export interface OverlayLane {
  id: string;
  y: number;
  x1: number;
  x2: number;
  /** Per carrying host: where the lane drops, and to which row top. */
  drops: { host: string; x: number; y: number }[];
}

export interface FleetLayout {
  width: number;
  height: number;
  hosts: HostBox[];
  lanes: OverlayLane[];
}

export function layoutFleet(map: FleetMap): FleetLayout {
  const g = FLEET_GEOMETRY;
  const top = g.margin + map.overlays.length * g.lane + (map.overlays.length ? g.margin : 0);
  const hosts: HostBox[] = map.hosts.map((h, i) => {
    const rows = new Map(h.networks.map((n, k) => [n.id, top + g.headerHeight + k * g.rowHeight]));
    return {
      name: h.name, x: g.margin + i * (g.hostWidth + g.gap), y: top, width: g.hostWidth,
      height: g.headerHeight + Math.max(1, h.networks.length) * g.rowHeight + 8, rows,
    };
  });
  const byName = new Map(hosts.map((h) => [h.name, h]));
  const lanes = map.overlays.map((o, i) => {
    const y = g.margin + i * g.lane + g.lane / 2;
    const drops = o.hosts.flatMap((name) => {
      const h = byName.get(name);
      const row = h?.rows.get(o.id);
      // Lanes are staggered within a host so two overlays' drops never share a line.
      return h && row !== undefined ? [{ host: name, x: h.x + h.width - 16 - (i % 8) * 10, y: row }] : [];
    });
    return { id: o.id, y, x1: Math.min(...drops.map((d) => d.x)), x2: Math.max(...drops.map((d) => d.x)), drops };
  });
  const width = g.margin * 2 + Math.max(1, hosts.length) * g.hostWidth + Math.max(0, hosts.length - 1) * g.gap;
  const height = Math.max(top, ...hosts.map((h) => h.y + h.height)) + g.margin;
  return { width, height, hosts, lanes };
}
