import { readFileSync } from 'node:fs';
import { readError, warningLine } from '../base/errors.js';
import {
  describeVerdict,
  judgeFailures,
  parseQuarantine,
  type QuarantineVerdict,
} from '../learn/quarantine.js';
import type { ReportedFile } from '../formats/report.js';

type Env = Readonly<Record<string, string | undefined>>;

/** What a front end does about a failed run: whether the quarantine lets it pass, and the lines to print. */
export interface QuarantineOutcome {
  /** Every failure was a quarantined test (at least one): the job passes. */
  pass: boolean;
  verdict: QuarantineVerdict | undefined;
  /** Lines for stderr: `::warning::`/`::error::` annotations on GitHub Actions, plain lines elsewhere. */
  lines: string[];
}

/**
 * Judges a failed run's files against the quarantine file, synchronously (Jest's `cacheResults`, the last
 * hook before Jest picks its exit code, is not awaited). A missing file quarantines nothing; an invalid one
 * throws a one-line `QUARANTINE_INVALID` (exit 2). The same rules for both plugins and `shard quarantine
 * check`: {@link judgeFailures}.
 *
 * @example
 * const { pass, lines } = judgeRun(settings.quarantine, report.files, process.env);
 * for (const line of lines) process.stderr.write(line + '\n');
 */
export function judgeRun(
  quarantineFile: string,
  files: readonly ReportedFile[],
  env: Env,
  today: string = new Date().toISOString().slice(0, 10),
  name: string = quarantineFile,
): QuarantineOutcome {
  let text: string;
  try {
    text = readFileSync(quarantineFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { pass: false, verdict: undefined, lines: [] };
    throw readError(name, error, 'quarantine file');
  }
  const verdict = judgeFailures(files, parseQuarantine(text, name), today);
  return { pass: verdict.ok && verdict.quarantined.length > 0, verdict, lines: verdictLines(verdict, env) };
}

/** A verdict's lines: each quarantined failure as a warning, each expired entry as an error, then the outcome. */
export function verdictLines(verdict: QuarantineVerdict, env: Env): string[] {
  const { warnings, errors } = describeVerdict(verdict);
  const lines = [...warnings.map((w) => warningLine(w, env)), ...errors.map((e) => errorLine(e, env))];
  const failing = verdict.blocking.length + verdict.expired.length + verdict.blockingFiles.length;
  if (verdict.quarantined.length > 0) {
    lines.push(
      failing === 0
        ? `shardwise: every failure (${verdict.quarantined.length}) is a quarantined test: this job passes`
        : `shardwise: ${verdict.quarantined.length} quarantined test(s) failed, but ${failing} other failure(s) fail this job`,
    );
  }
  return lines;
}

/** An error line: a `::error::` annotation on GitHub Actions, a plain `shardwise: error:` line elsewhere. */
function errorLine(message: string, env: Env): string {
  if (env['GITHUB_ACTIONS'] === 'true') {
    const data = message.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
    return `::error title=shardwise quarantine::${data}`;
  }
  return `shardwise: error: ${message}`;
}
