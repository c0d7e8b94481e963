// @internal: not exported from the package entry (index.ts); its shape may change in any release.
import { annotation, ENV, onGitHubActions } from '@shardwise/core/light';
import { createColors } from 'picocolors';
import type { CliIo, OutputStream } from './io.js';

export type Colors = ReturnType<typeof createColors>;

/** What every command gets: the process edges plus the shared ways of speaking to the user. */
export interface Context {
  io: CliIo;
  /** Colours for stdout / stderr; plain strings when the stream is not a TTY or NO_COLOR is set. */
  out: Colors;
  err: Colors;
  verbose: boolean;
  /** On GitHub Actions: the step summary file to append Markdown to. */
  stepSummary: string | undefined;
  /** A warning: `::warning::` annotation on GitHub Actions, a yellow line elsewhere. */
  warn(message: string): void;
  /** A diagnostic line on stderr. */
  note(message: string): void;
  /** An internal detail, shown only with --verbose or DEBUG=shardwise. */
  debug(message: string): void;
}

/** Colour only on a TTY, never with NO_COLOR (any non-empty value); FORCE_COLOR forces it. */
export function colorEnabled(stream: OutputStream, env: CliIo['env']): boolean {
  if (env['NO_COLOR']) return false;
  if (env['FORCE_COLOR'] && env['FORCE_COLOR'] !== '0') return true;
  return stream.isTTY === true && env['TERM'] !== 'dumb';
}

export function createContext(io: CliIo, verbose: boolean): Context {
  const out = createColors(colorEnabled(io.stdout, io.env));
  const err = createColors(colorEnabled(io.stderr, io.env));
  const github = onGitHubActions(io.env) || Boolean(io.env[ENV.stepSummary]);
  return {
    io,
    out,
    err,
    verbose,
    stepSummary: io.env[ENV.stepSummary] || undefined,
    warn(message) {
      if (github) io.stderr.write(`${annotation('warning', message)}\n`);
      else io.stderr.write(`${err.yellow(err.bold('warning'))} ${message}\n`);
    },
    note(message) {
      io.stderr.write(`${message}\n`);
    },
    debug(message) {
      if (!verbose) return;
      // Milliseconds since the process started (not since main), so module loading shows too.
      const at = performance.now().toFixed(0).padStart(5);
      io.stderr.write(err.dim(`shardwise ${at}ms ${message}`) + '\n');
    },
  };
}
