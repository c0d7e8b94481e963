import type { FileTiming } from '../formats/records.js';

/**
 * One consistent view of a file's time for the split decision: its smoothed duration (what every plan
 * gives the file), with its tests' times scaled to it. The tests come from the latest run that measured
 * them, the duration is smoothed over many: side by side they disagree whenever the file changes (a file
 * that doubled has tests worth twice its smoothed time, so splitting it looks worse than keeping it whole,
 * and the split comes only once the smoothing caught up). Scaled by the smoothed duration over the latest
 * measurement (`recentMs`' last; the duration itself for an entry of one sample), the tests keep their
 * shares of the latest run and add up, with the fixed cost, to the duration the plan uses. An entry
 * with no latest measurement (a store from before `recentMs`) is taken as it is.
 */
export function splitTimeView(entry: FileTiming | undefined): FileTiming | undefined {
  if (!entry?.tests) return entry;
  const latest = entry.recentMs?.at(-1) ?? (entry.samples === 1 ? entry.durationMs : undefined);
  if (!latest || latest === entry.durationMs) return entry;
  const scale = entry.durationMs / latest;
  return {
    ...entry,
    tests: entry.tests.map((t) => ({ ...t, durationMs: Math.round(t.durationMs * scale) })),
  };
}
