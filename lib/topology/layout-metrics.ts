/** Sizes, exported so the renderer can agree with them (e.g. where a box's label goes: the first `head` pixels). */
export const metrics = {
  gap: 6,
  topW: 140, topH: 32, // uplinks and other top-level host interfaces
  bridgeW: 180, bridgeH: 36,
  ifW: 80, ifH: 26, // interfaces inside boxes and host-side veth ends
  ctrW: 160, ctrH: 30,
  projW: 280, projH: 56, // a folded compose project (label sizes: labels.ts)
  portW: 150, portH: 26, // ports and docker-proxies
  pad: 8, head: 20, // box padding, box label band
  vethGap: 10, // host-side veth row → top of its box
  slotGap: 14, rowGap: 20, groupGap: 40,
  bandGap: 24, // bridge row → ports band, ports band → top row
  laneGap: 32, // between lanes of network blocks
} as const;

const M = metrics;
/** The host-veth row a slot reserves above its box. */
export const VROW = M.ifH + M.vethGap;
/** A port with room for its docker-proxy above it. */
export const PORT_UNIT_H = M.portH + M.gap + M.portH;
/** Room the last group of a lane may grow into on its right, so that a new namespace usually fits beside its siblings. */
export const SPARE = M.ctrW + 2 * M.pad + M.slotGap;
