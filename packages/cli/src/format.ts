// @internal: not exported from the package entry (index.ts); its shape may change in any release.
/** Human durations: `850ms`, `12.3s`, `4m 05s`, `1h 02m`. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** A prediction and, when known, its spread: `1m 31s ± 9.0s`, `850ms`. */
export function formatPredicted(ms: number, spreadMs: number | undefined): string {
  return spreadMs ? `${formatMs(ms)} ± ${formatMs(spreadMs)}` : formatMs(ms);
}

/** A percentage with one decimal: `3.2%`. */
export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

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

/** A Markdown table (GitHub step summaries); `|` in cells is escaped. */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align: string,
): string {
  const cell = (s: string) => s.replaceAll('|', '\\|');
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  const rule = `|${[...header].map((_, i) => (align[i] === 'r' ? ' ---: ' : ' --- ')).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}
