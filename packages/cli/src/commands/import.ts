import { EXIT_CODES } from '@shardwise/core/light';
import path from 'node:path';
import {
  displayPath,
  importJUnit,
  importRunnerJson,
  formatError,
  mergeReports,
  readFilesWith,
  ShardwiseError,
  readStoreFile,
  writeStoreFile,
  type RunReport,
} from '@shardwise/core';
import type { Context } from '../context.js';
import { cliSettings, storePathOf } from '../inputs.js';
import { usageError, type CommandLine } from '../options.js';
import { expandInputs, parseSmoothing } from '../reports.js';

const FORMATS = ['junit', 'jest-json', 'vitest-json'] as const;
type Format = (typeof FORMATS)[number];

/** Show a progress bar from this many report files on (and only on a TTY). */
const PROGRESS_FROM = 20;

/**
 * `shard import FORMAT FILE|GLOB...`: builds or updates the store from reports a CI already produces
 * (JUnit XML, `jest --json`, `vitest --reporter=json`), read concurrently with a bound.
 */
export async function importCommand(ctx: Context, { values, positionals }: CommandLine): Promise<number> {
  const [format, ...args] = positionals;
  if (format === undefined || !(FORMATS as readonly string[]).includes(format)) {
    throw usageError(
      `shard import: ${format === undefined ? 'missing the format' : `unknown format "${format}"`}; expected ${FORMATS.join(', ')} (e.g. shard import junit 'reports/*.xml')`,
    );
  }
  if (args.length === 0)
    throw usageError(`shard import ${format}: name the report files, directories or globs`);
  const smoothing = parseSmoothing(values.smoothing);
  const settings = cliSettings(values, ctx);
  const { root } = settings;
  const storePath = storePathOf(settings);
  const out = values.out === undefined ? storePath : path.resolve(ctx.io.cwd, values.out);

  const inputs = await expandInputs(args, ctx.io.cwd, format === 'junit' ? ['.xml'] : ['.json']);
  if (inputs.length === 0) throw usageError(`shard import ${format}: no report files in ${args.join(' ')}`);
  const files = inputs.map((i) => i.file);
  const progress = await startProgress(ctx, files.length);
  let reports: RunReport[];
  const invalid: string[] = [];
  try {
    const read = await readFilesWith(files, (text, file) => parse(format as Format, text, file, root, ctx), {
      onProgress: (done) => progress?.update(done),
      ...(values['skip-invalid']
        ? { onInvalid: (_file: string, error: ShardwiseError) => invalid.push(formatError(error)) }
        : {}),
    });
    reports = read.filter((r): r is RunReport => r !== undefined);
  } finally {
    progress?.stop();
  }
  if (invalid.length > 0) {
    ctx.warn(`--skip-invalid: left out ${invalid.length} invalid report(s)`);
    for (const line of invalid.sort()) ctx.note(`  skipped: ${line}`);
  }
  const measured = new Set(reports.flatMap((r) => r.files.map((f) => f.file))).size;
  if (measured === 0) throw noTestFiles(format as Format, reports.length);
  const base = await readStoreFile(storePath, displayPath(storePath, ctx.io.cwd));
  const result = mergeReports(base, reports, { prune: false, ...(smoothing ? { smoothing } : {}) });
  const write = result.changed || out !== storePath || base === undefined;
  if (write && (base !== undefined || result.store.files.size > 0)) await writeStoreFile(out, result.store);
  ctx.io.stdout.write(
    `Imported ${reports.length} ${format} report(s) naming ${measured} test file(s) into ${displayPath(out, ctx.io.cwd)}: ` +
      `${result.added.length} added, ${result.updated.length} updated, ${result.kept.length} kept\n`,
  );
  return EXIT_CODES.ok;
}

/**
 * Reports that name no test file would import nothing and leave the store as it was: an error, with the
 * fix for the tool that wrote them.
 */
function noTestFiles(format: Format, count: number): ShardwiseError {
  const fix =
    format === 'junit'
      ? 'the JUnit reports name no test files: turn on the file attribute (jest-junit `addFileAttribute: "true"`, Vitest `outputFile` with `reporters: [["junit", { addFileAttribute: true }]]`). `node --test --test-reporter=junit` writes no file attribute at all: import from the shardwise plugins\' reports or runner JSON instead'
      : `the ${format} reports list no test files: pass the output of \`${format === 'jest-json' ? 'jest --json --outputFile=FILE' : 'vitest run --reporter=json --outputFile=FILE'}\` from a run that ran tests`;
  return new ShardwiseError('NO_TEST_FILES', `shard import ${format}: ${count} report(s) read, but ${fix}`);
}

function parse(format: Format, text: string, file: string, root: string, ctx: Context): RunReport {
  const source = displayPath(file, ctx.io.cwd);
  return format === 'junit'
    ? importJUnit(text, { root, source })
    : importRunnerJson(text, format, { root, source });
}

async function startProgress(
  ctx: Context,
  total: number,
): Promise<{ update(done: number): void; stop(): void } | undefined> {
  if (total < PROGRESS_FROM || ctx.io.stderr.isTTY !== true || ctx.io.env['CI']) return undefined;
  const { default: progress } = await import('cli-progress');
  const bar = new progress.SingleBar(
    {
      format: 'Importing {bar} {value}/{total} reports',
      stream: ctx.io.stderr as NodeJS.WritableStream,
      clearOnComplete: true,
      hideCursor: true,
    },
    progress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return bar;
}
