'use client';

import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { FleetMap } from '@/lib/fleet/map';
import { FLEET_GEOMETRY, layoutFleet } from '@/lib/fleet/map-layout';
import { useTRPC } from '@/components/live/trpc';

const REFRESH_MS = 3_000;
const MAX_NAMES = 3;

/**
 * Every host an agent reports, drawn as a group of its Docker networks; an overlay (one network id on several
 * hosts) is a lane across the top that drops into its row in every host carrying it. Clicking a host opens it with
 * the full dashboard. Names from hosts are SVG text only.
 */
export function FleetView({ onOpenHost }: { onOpenHost: (host: string) => void }) {
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.fleet.map.queryOptions(), refetchInterval: REFRESH_MS });
  if (q.error) return <Message text={`The fleet could not be read: ${q.error.message}`} />;
  if (!q.data) return <Message text="Reading the fleet…" />;
  if (!q.data.ok) return <Message text={q.data.error} />;
  if (q.data.map.hosts.length === 0) return <Message text="No agent has reported yet (netatlas agent --hub URL --token-file F)." />;
  return <FleetPicture map={q.data.map} onOpenHost={onOpenHost} />;
}

function Message({ text }: { text: string }) {
  return (
    <p data-testid="fleet-message" className="p-8 text-center text-slate-600 dark:text-slate-400">
      {text}
    </p>
  );
}

function FleetPicture({ map, onOpenHost }: { map: FleetMap; onOpenHost: (host: string) => void }) {
  const layout = useMemo(() => layoutFleet(map), [map]);
  const g = FLEET_GEOMETRY;
  const overlayIds = useMemo(() => new Set(map.overlays.map((o) => o.id)), [map]);
  return (
    <div className="h-full overflow-auto p-2">
      <svg data-testid="fleet-view" width={layout.width} height={layout.height} className="font-sans" role="img" aria-label="Fleet: hosts and the overlay networks across them">
        {layout.hosts.map((box, i) => {
          const host = map.hosts[i];
          return (
            <g key={host.name} data-fleet-host={host.name}>
              <rect x={box.x} y={box.y} width={box.width} height={box.height} rx={8} className="fill-slate-50 stroke-slate-400 dark:fill-slate-900 dark:stroke-slate-600" />
              <text
                x={box.x + 10} y={box.y + 22} role="link" tabIndex={0} onClick={() => onOpenHost(host.name)}
                onKeyDown={(e) => e.key === 'Enter' && onOpenHost(host.name)}
                className="cursor-pointer fill-slate-900 text-sm font-semibold hover:underline dark:fill-slate-100"
              >
                {host.name} · {host.containers} containers
              </text>
              {host.networks.map((n) => {
                const y = box.rows.get(n.id)!;
                const overlay = overlayIds.has(n.id);
                const names = n.containers.slice(0, MAX_NAMES).join(', ') + (n.containers.length > MAX_NAMES ? ` +${n.containers.length - MAX_NAMES}` : '');
                return (
                  <g key={n.id} data-fleet-network={n.name} data-overlay={overlay || undefined}>
                    <rect x={box.x + 8} y={y + 2} width={box.width - 16} height={g.rowHeight - 6} rx={4}
                      className={overlay ? 'fill-violet-100 stroke-violet-500 dark:fill-violet-950' : 'fill-white stroke-slate-300 dark:fill-slate-800 dark:stroke-slate-600'} />
                    <text x={box.x + 14} y={y + 18} className="fill-slate-800 text-xs dark:fill-slate-200">
                      {n.name} ({n.driver})
                    </text>
                    <text x={box.x + 14} y={y + 32} className="fill-slate-500 text-[10px] dark:fill-slate-400">
                      {names || 'no containers'}
                    </text>
                  </g>
                );
              })}
            </g>
          );
        })}
        {layout.lanes.map((lane, i) => {
          const o = map.overlays[i];
          return (
            <g key={o.id} data-overlay-lane={o.name} data-hosts={o.hosts.join(' ')} className="stroke-violet-600 dark:stroke-violet-400">
              <line data-lane-line x1={lane.x1} x2={lane.x2} y1={lane.y} y2={lane.y} strokeWidth={3} />
              {lane.drops.map((d) => (
                <line key={d.host} data-drop={d.host} x1={d.x} x2={d.x} y1={lane.y} y2={d.y + 2} strokeWidth={2} strokeDasharray="4 3" />
              ))}
              <text x={lane.x1 + 6} y={lane.y - 5} className="fill-violet-700 stroke-none text-xs dark:fill-violet-300">
                {o.name} ({o.driver}) on {o.hosts.length} hosts
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
