/**
 * How every front end writes durations, shares and tables: the terminal, the step summary, the pull-request
 * comment and the HTML report print the same figure the same way. No dependencies: the runner plugins load
 * it with `@shardwise/core/light`.
 */

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

/** A signed whole percentage: `+12%`, `−3%` as `-3%`, `0%`. */
export function signedPercent(fraction: number): string {
  const pct = Math.round(fraction * 100);
  return `${pct > 0 ? '+' : ''}${pct}%`;
}

/** A Markdown table (GitHub step summaries, pull-request comments); `|` in cells is escaped. */
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
