import { renderToStaticMarkup } from 'react-dom/server';
import { buildGraph } from '@/lib/topology/build';
import { layoutGraph } from '@/lib/topology/layout';
import type { Snapshot } from '@/lib/snapshot/schema';
import { GraphLayers, visibleNodes } from './GraphLayers';
import { boundsOf } from './usePanZoom';

const PAD = 16;

/**
 * The whole graph of a snapshot as a standalone SVG document, without a browser (`netatlas snapshot --out F.svg`):
 * the same layers the page draws, with the page's compiled CSS in a <style> element so the classes resolve in any
 * browser. (The dashboard's own export inlines computed styles instead: components/share/graph-picture.ts.)
 */
export function staticGraphSvg(snapshot: Snapshot, css: string): string {
  const graph = buildGraph(snapshot);
  const layout = layoutGraph(graph);
  const visible = visibleNodes(graph, layout);
  const b = boundsOf([...visible.byId.keys()].map((id) => layout.get(id)!)) ?? { x: 0, y: 0, w: 0, h: 0 };
  const box = { x: b.x - PAD, y: b.y - PAD, w: Math.ceil(b.w + 2 * PAD), h: Math.ceil(b.h + 2 * PAD) };
  const markup = renderToStaticMarkup(
    <svg xmlns="http://www.w3.org/2000/svg" viewBox={`${box.x} ${box.y} ${box.w} ${box.h}`} width={box.w} height={box.h} fontFamily="ui-sans-serif, system-ui, sans-serif">
      {/* Our own compiled CSS, no user data; CDATA because it holds `<` (e.g. `syntax: "<percentage>"`), which XML refuses. */}
      <style dangerouslySetInnerHTML={{ __html: `<![CDATA[${css.replaceAll(']]>', ']]]]><![CDATA[>')}]]>` }} />
      <rect x={box.x} y={box.y} width={box.w} height={box.h} fill="#f8fafc" />
      <GraphLayers graph={graph} layout={layout} visible={visible} selectedId={null} hover={null} />
    </svg>,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n${markup}\n`;
}
