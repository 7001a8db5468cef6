/** Sizes, exported so the renderer can agree with them (e.g. where a box's label goes: the first `head` pixels). */
export const metrics = {
  gap: 8,
  topW: 150, topH: 36, // uplinks and other top-level host interfaces
  bridgeW: 180, bridgeH: 40,
  ifW: 110, ifH: 30, // interfaces inside boxes and host-side veth ends
  ctrW: 200, ctrH: 28,
  portW: 170, portH: 30, // ports and docker-proxies
  pad: 10, head: 24, // box padding, box label band
  vethGap: 28, // host-side veth row → top of its box
  slotGap: 24, rowGap: 36, groupGap: 80,
  bandGap: 40, // bridge row → ports band, ports band → top row
} as const;

const M = metrics;
/** The host-veth row a slot reserves above its box. */
export const VROW = M.ifH + M.vethGap;
/** A port with room for its docker-proxy above it. */
export const PORT_UNIT_H = M.portH + M.gap + M.portH;
/** Room kept free at the right of each bridge group so that a new namespace usually fits beside its siblings. */
export const SPARE = M.ctrW + 2 * M.pad + M.slotGap;
