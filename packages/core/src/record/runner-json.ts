import { ShardwiseError } from '../base/errors.js';
import { fileStatus } from './junit-import.js';
import { describeIssue, loadZod, parseJson } from '../base/json-text.js';
import { normalizePath } from '../base/paths.js';
import { REPORT_FORMAT, type ReportedFile, type RunReport } from '../formats/report.js';
import type { TestStatus } from '../formats/records.js';

// Jest's `--json` and Vitest's `--reporter=json` share this shape (Vitest writes a Jest-compatible file).
// Built on first use, so that importing the core does not load zod (see loadZod).
let schema: ReturnType<typeof buildRunnerJsonSchema> | undefined;
function buildRunnerJsonSchema() {
  const { z } = loadZod();
  return z.looseObject({
    testResults: z.array(
      z.looseObject({
        name: z.string(),
        startTime: z.number().optional(),
        endTime: z.number().optional(),
        status: z.string().optional(),
        perfStats: z
          .looseObject({
            start: z.number(),
            end: z.number(),
            loadTestEnvironmentStart: z.number().optional(),
          })
          .optional(),
        assertionResults: z
          .array(
            z.looseObject({
              fullName: z.string().optional(),
              title: z.string().optional(),
              duration: z.number().nullable().optional(),
              status: z.string(),
            }),
          )
          .optional(),
      }),
    ),
  });
}

/**
 * Imports Jest `--json` or Vitest `--reporter=json` output. A file's time is its end minus its start (Jest's
 * `perfStats` from the environment load when present), else the sum of its test durations.
 */
export function importRunnerJson(
  text: string,
  runner: 'jest-json' | 'vitest-json',
  options: { root?: string; source?: string } = {},
): RunReport {
  const source = options.source ?? `${runner} report`;
  const parsed = parseJson(text);
  if (!parsed.ok) throw new ShardwiseError('REPORT_SYNTAX', `${source}: invalid JSON at ${parsed.error}`);
  const result = (schema ??= buildRunnerJsonSchema()).safeParse(parsed.value);
  if (!result.success) {
    const flag =
      runner === 'jest-json'
        ? 'jest --json --outputFile=FILE'
        : 'vitest run --reporter=json --outputFile=FILE';
    throw new ShardwiseError(
      'REPORT_SCHEMA',
      `${source}: not ${runner} output (${describeIssue(result.error, parsed.value)}); produce it with \`${flag}\``,
    );
  }
  const files: ReportedFile[] = result.data.testResults.map((r) => {
    const tests = (r.assertionResults ?? []).map((a) => ({
      name: a.fullName ?? a.title ?? '',
      durationMs: Math.max(0, Math.round(a.duration ?? 0)),
      status: testStatus(a.status),
    }));
    const perf = r.perfStats;
    const span =
      perf && perf.end > 0
        ? perf.end -
          (perf.loadTestEnvironmentStart && perf.loadTestEnvironmentStart > 0
            ? perf.loadTestEnvironmentStart
            : perf.start)
        : r.endTime !== undefined && r.startTime !== undefined
          ? r.endTime - r.startTime
          : 0;
    const sum = tests.reduce((acc, t) => acc + t.durationMs, 0);
    const failedToRun = r.status === 'failed' && tests.length === 0;
    return {
      file: normalizePath(r.name, options.root),
      durationMs: Math.max(0, Math.round(span > 0 ? span : sum)),
      status: failedToRun ? 'failed' : fileStatus(tests.map((t) => t.status)),
      tests,
    };
  });
  return { format: REPORT_FORMAT, version: 1, runner, files };
}

function testStatus(status: string): TestStatus {
  if (status === 'passed') return 'passed';
  if (status === 'failed') return 'failed';
  return 'skipped';
}
