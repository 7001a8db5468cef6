/**
 * Label sizes and semantic zoom: which labels are drawn at a zoom scale, and how large they are on screen.
 * The renderer (components/graph) draws by these rules, the zoom handler switches the tiers, and the layout bench
 * measures with them, so "readable after Fit" means the same thing in all three.
 */

/** Font sizes, px at scale 1. */
export const FONTS = {
  sub: 9.5, // second lines: addresses, kernel names, MTUs
  text: 11, // other labels: interfaces, ports, proxies, namespace titles
  name: 14, // container, network and uplink names, up close
  farName: 20, // the same names once the graph is zoomed out (shorter: cut to the box)
  project: 22, // folded compose projects
} as const;

/** Below this on screen a label is hidden, not drawn unreadable (and the rasteriser is spared its glyphs). */
export const MIN_PX = 6.5;
/** Names switch to their zoomed-out size when the close-up one would be smaller than this on screen. */
export const NAME_PX = 9;

export type Tier = 'near' | 'mid' | 'far' | 'farther' | 'farthest';

/**
 * Each tier is an attribute on the <svg> (`data-near`…), set while the scale is below `below`; it is toggled only
 * when the scale crosses it, because toggling restyles every label.
 */
export const ZOOM_TIERS: readonly { tier: Tier; attr: string; below: number }[] = [
  { tier: 'near', attr: 'data-near', below: MIN_PX / FONTS.sub }, // second lines go
  { tier: 'mid', attr: 'data-mid', below: MIN_PX / FONTS.text }, // other labels go
  { tier: 'far', attr: 'data-far', below: NAME_PX / FONTS.name }, // names switch to FONTS.farName
  { tier: 'farther', attr: 'data-farther', below: MIN_PX / FONTS.farName }, // names go
  { tier: 'farthest', attr: 'data-farthest', below: MIN_PX / FONTS.project }, // project names go
];

const below = (tier: Tier, k: number) => k < ZOOM_TIERS.find((t) => t.tier === tier)!.below;

/** A container's, network's or uplink's name at scale `k`: its font size (px at scale 1), or null when it is not drawn. */
export function nameFont(k: number): number | null {
  if (below('farther', k)) return null;
  return below('far', k) ? FONTS.farName : FONTS.name;
}

/** A folded project's name at scale `k`: its font size, or null when it is not drawn. */
export const projectFont = (k: number): number | null => (below('farthest', k) ? null : FONTS.project);

/** Roughly how many characters of a `font` px label fit `width` px (a wide sans: ~0.6 em per character). */
export const charsThatFit = (width: number, font: number) => Math.max(3, Math.floor(width / (font * 0.6)));

/**
 * A name cut to about `width` px at `font` px by taking out its middle: names on one host share prefixes
 * (`netatlas-bench-…`, `shop_…`) and differ at the end (`…-api-1`, `…_backend`), so both ends stay.
 */
export function cutName(name: string, width: number, font: number): string {
  const chars = [...name]; // by code point: never half a surrogate pair
  const max = charsThatFit(width, font);
  if (chars.length <= max) return name;
  const tail = Math.floor((max - 1) / 2);
  return `${chars.slice(0, max - 1 - tail).join('')}…${chars.slice(chars.length - tail).join('')}`;
}
