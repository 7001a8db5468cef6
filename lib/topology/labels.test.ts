import { describe, expect, it } from 'vitest';
import { cutName, FONTS, MIN_PX, NAME_PX, nameFont, projectFont, ZOOM_TIERS } from './labels';

describe('semantic zoom', () => {
  const scales = Array.from({ length: 600 }, (_, i) => 0.05 + i * 0.01);

  it('never draws a name under MIN_PX on screen, and hides it only when even the large size would be', () => {
    for (const k of scales) {
      const f = nameFont(k);
      if (f === null) expect(FONTS.farName * k).toBeLessThan(MIN_PX);
      else expect(f * k).toBeGreaterThanOrEqual(MIN_PX);
    }
  });

  it('draws names at NAME_PX or more while the large size allows it (a Fit at 0.45 still reads at 9 px)', () => {
    for (const k of scales.filter((x) => FONTS.farName * x >= NAME_PX)) expect(nameFont(k)! * k).toBeGreaterThanOrEqual(NAME_PX);
    expect(nameFont(0.45)).toBe(FONTS.farName);
    expect(nameFont(1)).toBe(FONTS.name);
  });

  it('keeps project names longest, and every tier attribute is distinct', () => {
    const lastName = scales.find((k) => nameFont(k) !== null)!;
    const lastProject = scales.find((k) => projectFont(k) !== null)!;
    expect(lastProject).toBeLessThan(lastName);
    expect(new Set(ZOOM_TIERS.map((t) => t.attr)).size).toBe(ZOOM_TIERS.length);
  });
});

describe('cutName', () => {
  it('leaves a name that fits, and cuts the middle out of one that does not, keeping both ends', () => {
    expect(cutName('lab-web', 150, 20)).toBe('lab-web');
    const cut = cutName('netatlas-bench-4188-2', 150, 20); // 12 characters fit
    expect(cut).toBe('netatl…188-2');
    expect([...cut].length).toBe(12);
  });

  it('cuts by code point, never through a surrogate pair', () => {
    const cut = cutName('😀'.repeat(30), 150, 20);
    expect(cut).toBe(`${'😀'.repeat(6)}…${'😀'.repeat(5)}`);
  });
});
