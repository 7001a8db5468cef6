import { describe, expect, it } from 'vitest';
import { parseIptablesSave } from './iptables-parse';
import { parseNftText } from './nft-text-parse';
import { iptablesTraversal, nftTraversal, unreachedChains } from './traversal';

/** `*filter` where INPUT jumps to C0, C0 to C1, … C(n-1); with `cycle`, the last jumps back to C0. */
function chainLine(n: number, cycle = false): string {
  const lines = ['*filter', ':INPUT ACCEPT [0:0]', ...Array.from({ length: n }, (_, i) => `:C${i} - [0:0]`), '-A INPUT -j C0'];
  for (let i = 0; i + 1 < n; i++) lines.push(`-A C${i} -j C${i + 1}`);
  if (cycle) lines.push(`-A C${n - 1} -j C0`);
  return [...lines, 'COMMIT', ''].join('\n');
}

describe('iptablesTraversal', () => {
  it('walks a line of 4,000 chains without recursing, each chain once at its depth', () => {
    const rs = parseIptablesSave(chainLine(4000));
    const visits = iptablesTraversal(rs);
    expect(visits).toHaveLength(4001);
    expect(visits[4000]).toEqual({ table: 'filter', chain: 'C3999', hook: 'INPUT', depth: 4000, from: { chain: 'C3998', index: 0 } });
    expect(unreachedChains(rs, visits)).toEqual([]);
  });

  it('ends on a cycle, listing each chain once', () => {
    const visits = iptablesTraversal(parseIptablesSave(chainLine(50, true)));
    expect(visits.map((v) => v.chain)).toEqual(['INPUT', ...Array.from({ length: 50 }, (_, i) => `C${i}`)]);
  });

  it('keeps depth-first order: a chain\'s jumps are listed before its next sibling', () => {
    const rs = parseIptablesSave(['*filter', ':INPUT ACCEPT', ':A -', ':B -', ':A1 -', '-A INPUT -j A', '-A INPUT -j B', '-A A -j A1', '-A A1 -j B', 'COMMIT'].join('\n'));
    expect(iptablesTraversal(rs).map((v) => `${v.chain}@${v.depth}`)).toEqual(['INPUT@0', 'A@1', 'A1@2', 'B@3']);
  });
});

describe('nftTraversal', () => {
  it('walks 4,000 chained jumps and a cycle without recursing', () => {
    const n = 4000;
    const chains = Array.from({ length: n }, (_, i) => `  chain c${i} {\n    jump c${(i + 1) % n}\n  }`);
    const text = `table inet t {\n  chain input {\n    type filter hook input priority 0; policy accept;\n    jump c0\n  }\n${chains.join('\n')}\n}\n`;
    const [table] = parseNftText(text);
    const order = nftTraversal(table);
    expect(order).toHaveLength(n + 1);
    expect(order[n]).toMatchObject({ depth: n });
    expect(order[n].chain.name).toBe(`c${n - 1}`);
  });
});
