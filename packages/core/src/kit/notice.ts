import { warningLine } from '../base/errors.js';

/**
 * A plugin's line on stderr, `shardwise: …` (stdout may carry the runner's own output, such as
 * `vitest list --json`).
 */
export function notice(message: string): void {
  process.stderr.write(`shardwise: ${message}\n`);
}

/** A warning on stderr: a `::warning::` annotation on GitHub Actions, `shardwise: warning: …` elsewhere. */
export function warn(message: string, env: Readonly<Record<string, string | undefined>> = process.env): void {
  process.stderr.write(`${warningLine(message, env)}\n`);
}
