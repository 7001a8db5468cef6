/** Export formats, chosen by the file name's ending (longest first: `.netatlas.json.gz` is gzip, not `.gz` of something). */
export type ExportFormat = 'json' | 'json.gz' | 'html' | 'svg';

const ENDINGS: [string, ExportFormat][] = [
  ['.netatlas.json.gz', 'json.gz'],
  ['.json.gz', 'json.gz'],
  ['.json', 'json'],
  ['.html', 'html'],
  ['.htm', 'html'],
  ['.svg', 'svg'],
];

export function formatForPath(path: string): ExportFormat | null {
  const lower = path.toLowerCase();
  return ENDINGS.find(([ending]) => lower.endsWith(ending))?.[1] ?? null;
}

export const FORMAT_ENDINGS = ENDINGS.map(([e]) => e);
