import { z } from 'zod';
import { isHostName } from '../../../lib/fleet/protocol';
import { fleetMap, type FleetMap } from '../../../lib/fleet/map';
import type { LiveMessage } from '../../../lib/history/stream';
import { fleetHub } from '../../fleet/current';
import { publicProcedure, router } from '../init';
import type { Fail } from './history';

/**
 * The fleet for the page (`netatlas serve --hub`): the hosts agents report, a host's newest state by deltas (the
 * page shows it with every panel, as it shows this host), and the fleet map (hosts as groups, overlays across
 * them). On a server that is not a hub: `{on: false}`, and the page offers no picker.
 */
const HOST = z.string().refine(isHostName, 'not a host name');

export type FleetHosts = { on: false } | { on: true; hosts: { name: string; revision: number | null; at: string | null }[] };

export const fleetRouter = router({
  hosts: publicProcedure.query(async (): Promise<FleetHosts> => {
    const fleet = fleetHub();
    return fleet ? { on: true, hosts: await fleet.hosts() } : { on: false };
  }),

  /**
   * What the page showing a host polls: from the revision it holds (null: none) to the newest, as the live stream's
   * messages — nothing, the deltas, or a whole snapshot (FleetHub.since) — so an unchanged or slightly changed host
   * costs bytes in proportion to the change, not to the host.
   */
  since: publicProcedure
    .input(z.object({ host: HOST, revision: z.number().int().nonnegative().nullable() }))
    .query(async ({ input }): Promise<{ ok: true; messages: LiveMessage[] } | Fail> => {
      const fleet = fleetHub();
      if (!fleet) return { ok: false, error: 'this server is not a fleet hub (serve --hub)' };
      const messages = await fleet.since(input.host, input.revision);
      return messages ? { ok: true, messages } : { ok: false, error: `no host named ${input.host} has reported` };
    }),

  map: publicProcedure.query(async (): Promise<{ ok: true; map: FleetMap } | Fail> => {
    const fleet = fleetHub();
    if (!fleet) return { ok: false, error: 'this server is not a fleet hub (serve --hub)' };
    const hosts = await fleet.hosts();
    return { ok: true, map: fleetMap(await Promise.all(hosts.map(async (h) => ({ name: h.name, snapshot: await fleet.latest(h.name) })))) };
  }),
});
