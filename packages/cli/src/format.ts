// @internal: not exported from the package entry (index.ts); its shape may change in any release.
export { formatMs, formatPredicted, formatPercent, markdownTable } from '@shardwise/core/light';

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A bar of `width` cells for `value / max`, in eighths of a cell. */
export function bar(value: number, max: number, width = 30): string {
  if (max <= 0 || value <= 0) return '';
  const eighths = Math.round((value / max) * width * 8);
  return '█'.repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8]!;
}

/**
 * Aligns rows into columns. `align` holds 'l' or 'r' per column. Width counts code points of the visible
 * text, so colour codes added afterwards by `paint` do not disturb alignment.
 */
export function table(
  rows: readonly (readonly string[])[],
  align: string,
  paint?: (row: number, col: number, text: string) => string,
): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  return rows.map((row, r) =>
    row
      .map((cell, c) => {
        const pad = ' '.repeat(widths[c]! - [...cell].length);
        const text = align[c] === 'r' ? pad + cell : c === row.length - 1 ? cell : cell + pad;
        return paint ? paint(r, c, text) : text;
      })
      .join('  ')
      .trimEnd(),
  );
}
