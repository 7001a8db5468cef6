import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSnapshot } from '@/lib/snapshot/schema';
import { buildGraph } from '@/lib/topology/build';
import { staticGraphSvg } from './static-svg';

const lab = () => parseSnapshot(JSON.parse(readFileSync(new URL('../../lib/snapshot/__fixtures__/lab-snapshot.json', import.meta.url), 'utf8')));

describe('staticGraphSvg', () => {
  it('draws every node of the graph, with the CSS in CDATA so the document is well-formed XML', () => {
    const s = lab();
    const svg = staticGraphSvg(s, '@property --x{syntax:"<percentage>"} .a>b{fill:red}');
    const drawn = new Set([...svg.matchAll(/data-node-id="([^"]+)"/g)].map((m) => m[1]));
    expect(drawn).toEqual(new Set(buildGraph(s).nodes.map((n) => n.id)));
    expect(svg).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="[-\d.]+ [-\d.]+ \d+ \d+"/);
    expect(svg).toContain('<style><![CDATA[@property --x{syntax:"<percentage>"} .a>b{fill:red}]]></style>');
  });

  it('names are text: markup in a container name is escaped', () => {
    const s = lab();
    s.docker!.containers[0].name = '</text><script>alert(1)</script>';
    const svg = staticGraphSvg(s, '');
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;/text&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});
