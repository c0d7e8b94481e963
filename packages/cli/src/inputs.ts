// @internal: not exported from the package entry (index.ts); its shape may change in any release.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  normalizePath,
  readError,
  resolveSettings,
  ShardwiseError,
  unitKey,
  type Settings,
  type SettingValues,
} from '@shardwise/core/planning';
import type { Context } from './context.js';
import type { OptionValues } from './options.js';
import { usageError } from './options.js';

/** What jest and vitest find by default, minus what is never a test. */
export const DEFAULT_PATTERNS = [
  '**/*.{test,spec}.{js,jsx,ts,tsx,mjs,cjs,mts,cts}',
  '**/__tests__/**/*.{js,jsx,ts,tsx,mjs,cjs,mts,cts}',
];
/** What `node --test` finds by default (Node 21 and later say it as globs; Node 20 finds the same files). */
export const NODE_TEST_PATTERNS = [
  '**/*{.,-,_}test.{js,cjs,mjs}',
  '**/test{,-*}.{js,cjs,mjs}',
  '**/test/**/*.{js,cjs,mjs}',
];
/** Where the files came from when no pattern or list was given, in messages. */
export const DEFAULT_SOURCE = 'the default test patterns';
export const IGNORED = [
  '**/node_modules/**',
  '**/dist/**',
  '**/build/**',
  '**/coverage/**',
  '**/.git/**',
  '**/.shardwise/**',
];

/**
 * The settings of a command from its flags, through core's one resolver: flags beat the environment,
 * which beats the defaults; relative paths are resolved against the current directory.
 */
export function cliSettings(values: OptionValues, ctx: Context): Settings {
  const root = path.resolve(ctx.io.cwd, values.root ?? '.');
  if (values['no-timings'] && values.timings !== undefined) {
    throw usageError('--timings and --no-timings contradict each other; pass one');
  }
  const flags: SettingValues = {};
  if (values['no-timings']) flags.timings = false;
  else if (values.timings !== undefined) flags.timings = values.timings;
  if (values.estimator !== undefined) flags.estimator = values.estimator;
  if (values.previous !== undefined) flags.previous = values.previous;
  if (values.plan !== undefined) flags.plan = values.plan;
  if (values['require-timings']) flags.requireTimings = true;
  if (values.workers !== undefined) flags.workers = values.workers;
  if (values.quarantine !== undefined) flags.quarantine = values.quarantine;
  if (values.history !== undefined) flags.history = values.history;
  return resolveSettings({
    root,
    cwd: ctx.io.cwd,
    env: ctx.io.env,
    flags: { values: flags, base: ctx.io.cwd, name: (key) => FLAG_NAMES[key] },
  });
}

const FLAG_NAMES = {
  timings: '--timings',
  quarantine: '--quarantine',
  history: '--history',
  reportsDir: 'SHARDWISE_REPORTS_DIR',
  estimator: '--estimator',
  previous: '--previous',
  plan: '--plan',
  planOut: 'SHARDWISE_PLAN_OUT',
  record: 'SHARDWISE_RECORD',
  requireTimings: '--require-timings',
  workers: '--workers',
} as const;

/** The store path of a command that needs one (merge, import, check): --no-timings is not theirs. */
export function storePathOf(settings: Settings): string {
  return settings.timings!.path;
}

/**
 * The test files: from --files-from (a file or stdin; paths relative to the root, absolute ones made
 * relative to it, listed files need not exist), else the globs, else the default patterns. Paths are
 * returned as given; core's `partition` normalizes them.
 */
export async function listFiles(
  values: OptionValues,
  globs: readonly string[],
  root: string,
  ctx: Context,
): Promise<{ files: string[]; source: string }> {
  const from = values['files-from'];
  if (from !== undefined) {
    if (globs.length > 0) {
      throw usageError(
        `--files-from and file patterns (${globs.join(' ')}) both list files; pass one or the other`,
      );
    }
    const text = from === '-' ? await ctx.io.readStdin() : await readListFile(path.resolve(ctx.io.cwd, from));
    const source = `--files-from ${from === '-' ? '-' : from}`;
    const files = text.trimStart().startsWith('[') ? jsonList(text, root, source) : splitLines(text, source);
    ctx.debug(`--files-from ${from}: ${files.length} paths`);
    return { files, source: from === '-' ? 'standard input' : from };
  }
  const patterns =
    globs.length > 0 ? globs : values.runner === 'node-test' ? NODE_TEST_PATTERNS : DEFAULT_PATTERNS;
  const stat = await fs.stat(root).catch(() => undefined);
  if (!stat?.isDirectory()) {
    throw new ShardwiseError('NOT_FOUND', `--root ${root}: no such directory`, {
      hint: { kind: 'text', text: 'pass the directory that holds the test files' },
    });
  }
  // fast-glob is the heaviest module the CLI loads; only commands that glob pay for it.
  const { default: glob } = await import('fast-glob');
  const files = await glob([...patterns], { cwd: root, ignore: IGNORED, onlyFiles: true, dot: false });
  ctx.debug(`glob ${patterns.join(' ')} in ${root}: ${files.length} files`);
  return {
    files,
    source:
      globs.length > 0
        ? globs.join(' ')
        : patterns === DEFAULT_PATTERNS
          ? DEFAULT_SOURCE
          : "node --test's patterns",
  };
}

/**
 * A runner's JSON list: `jest --listTests --json` (paths) or `vitest list --filesOnly --json` (`{ file,
 * projectName }`). Several Vitest projects make keys `name|path`, as the Vitest plugin keys them, so a
 * plan pinned from this list matches the plugin's files.
 */
export function jsonList(text: string, root: string, source: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ShardwiseError('FILE_LIST_INVALID', `${source}: invalid JSON (${(error as Error).message})`);
  }
  const entries = Array.isArray(value) ? value : [];
  const items = entries.map((e: unknown) =>
    typeof e === 'string'
      ? { file: e, project: '' }
      : {
          file: (e as { file?: unknown } | null)?.file,
          project: projectNameOf(e),
        },
  );
  if (!Array.isArray(value) || items.some((i) => typeof i.file !== 'string' || i.file === '')) {
    throw new ShardwiseError(
      'FILE_LIST_INVALID',
      `${source}: expected the JSON of \`jest --listTests --json\` (paths) or \`vitest list --filesOnly --json\` ({ file, projectName })`,
    );
  }
  const several = new Set(items.map((i) => i.project)).size > 1;
  return items.map(({ file, project }) =>
    several ? unitKey(project, normalizePath(file as string, root)) : (file as string),
  );
}

function projectNameOf(entry: unknown): string {
  const name = (entry as { projectName?: unknown } | null)?.projectName;
  return typeof name === 'string' ? name : '';
}

/**
 * One path per line; CRLF and blank lines tolerated (surrounding spaces are kept: they can be real). A
 * NUL, another control character or bytes that are not UTF-8 mean a binary file was passed by mistake:
 * an error naming the line, never a plan of garbage names.
 */
export function splitLines(text: string, source = 'file list'): string[] {
  // Control characters are the point of this pattern: they never occur in a path list.
  // eslint-disable-next-line no-control-regex
  const binary = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffd]/.exec(text);
  if (binary) {
    const line = text.slice(0, binary.index).split('\n').length;
    const what =
      binary[0] === '\u0000'
        ? 'a NUL byte'
        : binary[0] === '\ufffd'
          ? 'bytes that are not UTF-8'
          : 'a control character';
    throw new ShardwiseError(
      'FILE_LIST_INVALID',
      `${source}: line ${line} holds ${what}; expected text, one test file path per line (is it a binary file?)`,
    );
  }
  const lines = text.split('\n');
  // The common list (no CR, no blank line, no surrounding space, ending in one newline) is the split
  // itself: one check per line and no second array of 100,000 paths.
  let clean = 0;
  while (clean < lines.length && startsAndEndsInText(lines[clean]!)) clean++;
  if (clean === lines.length) return lines;
  if (clean === lines.length - 1 && lines[clean] === '') {
    lines.length = clean;
    return lines;
  }
  const files: string[] = [];
  for (let line of lines) {
    if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    // Only lines that start or end with white space can be blank: the common case skips trim().
    if (line.length === 0) continue;
    if ((line.charCodeAt(0) <= 32 || line.charCodeAt(line.length - 1) <= 32) && line.trim() === '') continue;
    files.push(line);
  }
  return files;
}

/** Not empty, and neither its first nor its last character is white space or a control character. */
function startsAndEndsInText(line: string): boolean {
  return line.charCodeAt(0) > 32 && line.charCodeAt(line.length - 1) > 32;
}

async function readListFile(file: string): Promise<string> {
  try {
    // Bytes decoded in one piece (see core's readStoreFile): cheaper for the collector than a decoding read.
    return (await fs.readFile(file)).toString('utf8');
  } catch (error) {
    throw readError(`--files-from ${file}`, error, 'file list', 'FILE_LIST_INVALID');
  }
}
