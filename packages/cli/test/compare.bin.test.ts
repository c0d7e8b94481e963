import { afterAll, describe, expect, it } from 'vitest';
import { runBin, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

// `shard plan --compare` on a store with a learned Jest model (1.2 s start-up, 3.0 s per worker, two
// workers, a gap between files): every figure it prints comes from one measure, so none contradicts another.

const FILES = Array.from({ length: 40 }, (_, i) => `t/f${String(i).padStart(2, '0')}.test.js`);
/** Varied durations, 0.3 to 2.8 s: ten files a shard, so the gaps between them weigh. */
const durationOf = (i: number) => 300 + ((i * 977) % 2500);
const MODEL = { startupMs: 1200, workerStartupMs: 3000, workers: 2, fileGapMs: 400, samples: 5 };

/** Seconds from `formatMs` text (`11.4s`, `850ms`). */
function seconds(text: string): number {
  const m = /^([\d.]+)(ms|s)$/.exec(text);
  if (!m) throw new Error(`not a duration: ${text}`);
  return m[2] === 'ms' ? Number(m[1]) / 1000 : Number(m[1]);
}

describe('shard plan --compare (spawned)', () => {
  it('shows no split below its lower bound, and no split ahead of the plan', async () => {
    const dir = await tempDir({
      'list.txt': FILES.join('\n'),
      'shard-timings.json': JSON.stringify({
        version: 1,
        model: { jest: MODEL },
        files: Object.fromEntries(FILES.map((f, i) => [f, { durationMs: durationOf(i), samples: 1 }])),
      }),
    });
    const r = await runBin(
      ['plan', '--shards', '4', '--files-from', 'list.txt', '--compare', '--runner', 'jest'],
      { cwd: dir },
    );
    expect(r.code).toBe(0);
    const bound = seconds(/lower bound ([\d.]+m?s)/.exec(r.stdout)![1]!);
    const slowest = seconds(/Slowest job\s+([\d.]+m?s)/.exec(r.stdout)![1]!);
    const rows = new Map(
      ['shardwise', 'jest --shard', 'vitest --shard', 'plain LPT'].map((name) => {
        const line = r.stdout.split('\n').find((l) => l.trim().startsWith(`${name} `))!;
        return [name, seconds(line.trim().slice(name.length).trim().split(/\s+/)[0]!)];
      }),
    );
    expect(rows.get('shardwise')).toBe(slowest);
    for (const [name, s] of rows) expect({ name, s: Math.max(s, bound) }).toEqual({ name, s });
    for (const name of ['jest --shard', 'vitest --shard', 'plain LPT'])
      expect(rows.get(name)).toBeGreaterThanOrEqual(slowest);
    expect(r.stdout).toMatch(/no split of these files into 4 shards can finish before/);
  });
});
