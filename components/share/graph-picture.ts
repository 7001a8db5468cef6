/**
 * The graph as a picture: the drawn <svg> cloned with every element's computed style written onto it as
 * attributes (so it looks the same without the page's CSS, in any viewer), hidden elements left out, the zoom
 * transform dropped and the view box fitted to the whole graph. PNG draws that SVG onto a canvas.
 */

const PROPS = [
  'fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-opacity', 'stroke-dasharray', 'stroke-linecap', 'stroke-linejoin',
  'opacity', 'font-family', 'font-size', 'font-weight', 'font-style', 'text-anchor', 'dominant-baseline', 'paint-order',
] as const;

const SVG_NS = 'http://www.w3.org/2000/svg';
const PAD = 16;

function inline(orig: Element, copy: Element): boolean {
  const cs = getComputedStyle(orig);
  if (cs.display === 'none' || cs.visibility === 'hidden') return false;
  for (const p of PROPS) {
    const v = cs.getPropertyValue(p);
    if (v) copy.setAttribute(p, v);
  }
  copy.removeAttribute('class');
  copy.removeAttribute('style');
  copy.removeAttribute('tabindex');
  const kids = [...orig.children];
  const copies = [...copy.children];
  kids.forEach((k, i) => {
    if (!inline(k, copies[i])) copies[i].remove();
  });
  return true;
}

export function graphSvg(svg: SVGSVGElement): { text: string; width: number; height: number } {
  const content = svg.querySelector(':scope > g') as SVGGElement | null;
  if (!content) throw new Error('no graph is drawn');
  const box = content.getBBox();
  const clone = content.cloneNode(true) as SVGGElement;
  inline(content, clone);
  clone.removeAttribute('transform');
  clone.querySelector('[data-hover-veil]')?.remove();
  const width = Math.ceil(box.width + 2 * PAD);
  const height = Math.ceil(box.height + 2 * PAD);
  const root = document.createElementNS(SVG_NS, 'svg');
  root.setAttribute('xmlns', SVG_NS);
  root.setAttribute('viewBox', `${box.x - PAD} ${box.y - PAD} ${width} ${height}`);
  root.setAttribute('width', String(width));
  root.setAttribute('height', String(height));
  root.setAttribute('font-family', getComputedStyle(svg).fontFamily || 'sans-serif');
  const bg = document.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('x', String(box.x - PAD));
  bg.setAttribute('y', String(box.y - PAD));
  bg.setAttribute('width', String(width));
  bg.setAttribute('height', String(height));
  bg.setAttribute('fill', getComputedStyle(svg).backgroundColor || 'white');
  root.append(bg, clone);
  return { text: `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(root)}\n`, width, height };
}

/** PNG at twice the graph's size (readable when zoomed), white where the page had no background. */
export async function graphPng(svg: SVGSVGElement): Promise<Blob> {
  const { text, width, height } = graphSvg(svg);
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const scale = 2;
    const canvas = document.createElement('canvas');
    canvas.width = width * scale;
    canvas.height = height * scale;
    const ctx = canvas.getContext('2d')!;
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0, width, height);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the browser could not encode a PNG'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}
