import path from 'node:path';
import { EXIT_CODES, ShardwiseError } from '@shardwise/core/light';
import { promises as fs } from 'node:fs';
import {
  addToQuarantine,
  entryReplacedBy,
  isAbsolutePath,
  isCalendarDate,
  knownTestNames,
  normalizePath,
  readHistoryFile,
  readStoreFile,
  splitUnitKey,
  testFileOf,
  unitKey,
  type Settings,
  DEFAULT_REPORTS_DIR,
  displayPath,
  emptyQuarantine,
  isExpired,
  judgeFailures,
  readQuarantineFile,
  readQuarantineSetting,
  removeFromQuarantine,
  verdictLines,
  writeQuarantineFile,
  type Quarantine,
} from '@shardwise/core';
import type { Context } from '../context.js';
import { table } from '../format.js';
import { cliSettings } from '../inputs.js';
import { usageError, type CommandLine } from '../options.js';
import { readReportArgs } from '../report-args.js';

/**
 * `shard quarantine add|remove|list|check`: edits and shows the quarantine file, and `check` judges the
 * failures in shard reports against it (exit 0 when every failure is a quarantined test): the one command
 * for a runner whose exit code no shardwise plugin decides.
 */
export async function quarantineCommand(ctx: Context, { values, positionals }: CommandLine): Promise<number> {
  const [action, ...args] = positionals;
  const settings = cliSettings(values, ctx);
  const file = settings.quarantine;
  const name = displayPath(file, ctx.io.cwd);
  const today = new Date().toISOString().slice(0, 10);
  // A file named by --quarantine or SHARDWISE_QUARANTINE must exist, except for `add`, which creates it.
  const read = async (): Promise<Quarantine> =>
    (action === 'add'
      ? await readQuarantineFile(file, name)
      : await readQuarantineSetting(settings, ctx.io.cwd)) ?? emptyQuarantine();
  switch (action) {
    case 'add': {
      const [testFile, testName] = testArgs(args, 'add', settings.root);
      if (values.reason === undefined || values.reason.trim() === '') {
        throw usageError(
          'shard quarantine add: --reason is required (why it is quarantined, e.g. --reason "races the clock")',
        );
      }
      if (values.expires !== undefined && !isCalendarDate(values.expires)) {
        throw usageError(
          `Expected --expires to be the last day the entry protects, a real date as YYYY-MM-DD, got "${values.expires}"`,
        );
      }
      await checkKnown(ctx, settings, testFile, testName, Boolean(values.force));
      const entry = {
        file: testFile,
        name: testName,
        reason: values.reason.trim(),
        added: today,
        ...(values.expires === undefined ? {} : { expires: values.expires }),
        ...(values.owner === undefined ? {} : { owner: values.owner }),
      };
      const before = await read();
      const quarantine = addToQuarantine(before, entry);
      await writeQuarantineFile(file, quarantine);
      const saved = quarantine.tests.find((e) => e.file === testFile && e.name === testName)!;
      const replaced = entryReplacedBy(before, entry);
      if (values.json) ctx.io.stdout.write(JSON.stringify({ added: saved }) + '\n');
      const until = saved.expires ? ` (until ${saved.expires})` : '';
      if (replaced) {
        const kept = replaced.kept.map((k) => `${k} ${replaced.old[k]!}`).join(', ');
        ctx.note(
          `replaced the entry for ${testFile} › ${testName} in ${name}${until}: kept its ${kept} (give --expires or --owner to change them)`,
        );
      } else {
        ctx.note(
          `quarantined ${testFile} › ${testName} in ${name}: it still runs, but its failures no longer fail the job${until}`,
        );
      }
      return EXIT_CODES.ok;
    }
    case 'remove': {
      const [testFile, testName] = testArgs(args, 'remove', settings.root);
      const { quarantine, removed } = removeFromQuarantine(await read(), testFile, testName);
      if (!removed) {
        throw new ShardwiseError(
          'QUARANTINE_INVALID',
          `${name}: no entry for "${testName}" in ${testFile}; \`shard quarantine list\` shows the entries`,
        );
      }
      await writeQuarantineFile(file, quarantine);
      if (values.json)
        ctx.io.stdout.write(JSON.stringify({ removed: { file: testFile, name: testName } }) + '\n');
      ctx.note(`removed ${testFile} › ${testName} from ${name}: its failures fail the job again`);
      return EXIT_CODES.ok;
    }
    case 'list': {
      if (args.length > 0) throw usageError(`shard quarantine list: unexpected argument "${args[0]}"`);
      const { tests } = await read();
      if (values.json) {
        ctx.io.stdout.write(
          JSON.stringify({ tests: tests.map((e) => ({ ...e, expired: isExpired(e, today) })) }) + '\n',
        );
      } else if (tests.length === 0) {
        ctx.io.stdout.write(`Nothing is quarantined (${name}).\n`);
      } else {
        const rows = tests.map((e) => [
          `${e.file} › ${e.name}`,
          e.reason,
          e.added,
          e.expires === undefined ? '-' : isExpired(e, today) ? `${e.expires} EXPIRED` : e.expires,
          e.owner ?? '-',
        ]);
        ctx.io.stdout.write(
          table([['Test', 'Reason', 'Added', 'Expires', 'Owner'], ...rows], 'lllll').join('\n') + '\n',
        );
      }
      for (const e of tests.filter((t) => isExpired(t, today))) {
        ctx.warn(
          `quarantine of ${e.file} › ${e.name} expired on ${e.expires}: it no longer protects; fix the test, renew the entry or remove it`,
        );
      }
      return EXIT_CODES.ok;
    }
    case 'check': {
      const dirs = args.length > 0 ? args : [path.join(settings.root, DEFAULT_REPORTS_DIR)];
      const reports = await readReportArgs(ctx, dirs, 'shard quarantine check');
      const verdict = judgeFailures(
        reports.flatMap((r) => r.files),
        await read(),
        today,
      );
      for (const line of verdictLines(verdict, ctx.io.env)) ctx.note(line);
      const failing = [...verdict.blocking.map((t) => `${t.file} › ${t.name}`), ...verdict.blockingFiles];
      for (const line of failing) ctx.note(`failed (not quarantined): ${line}`);
      // Called after a failed run (`runner || shard quarantine check`): reports with no failure mean the run
      // failed for a reason they do not show (a crash, an unhandled error), which no entry forgives.
      const pass = verdict.ok && verdict.quarantined.length > 0;
      if (values.json) {
        const { quarantined, expired, blocking, blockingFiles } = verdict;
        ctx.io.stdout.write(JSON.stringify({ pass, quarantined, expired, blocking, blockingFiles }) + '\n');
      }
      if (verdict.ok && !pass) {
        ctx.note('the reports show no failed test, so the run failed for another reason: not forgiven');
      }
      return pass ? EXIT_CODES.ok : EXIT_CODES.checkFailed;
    }
    default:
      throw usageError(
        `shard quarantine: expected add, remove, list or check${action === undefined ? '' : `, got "${action}"`}; see \`shard quarantine --help\``,
      );
  }
}

function testArgs(args: readonly string[], action: string, root: string): [string, string] {
  if (args.length !== 2) {
    throw usageError(
      `shard quarantine ${action}: expected FILE and the full test name, e.g. shard quarantine ${action} src/cart.test.ts "cart > applies the discount"`,
    );
  }
  // Paths as the reports key them: POSIX, relative to the root (an absolute path is made relative to it).
  const { project, path: file } = splitUnitKey(args[0]!);
  const relative = normalizePath(file, root);
  if (relative === '' || relative.startsWith('../') || isAbsolutePath(relative)) {
    throw usageError(
      `shard quarantine ${action}: ${args[0]!} is not a test file inside the root ${root}; name it relative to the root (e.g. src/cart.test.ts), or pass --root`,
    );
  }
  return [unitKey(project || undefined, relative), args[1]!];
}

/**
 * Refuses (exit 2) a test file that does not exist, or a test name that neither the flaky history nor the
 * store records for that file: such an entry would never match a failure. With --force it is kept, with a
 * warning.
 */
async function checkKnown(
  ctx: Context,
  settings: Settings,
  file: string,
  name: string,
  force: boolean,
): Promise<void> {
  const show = (f: string) => displayPath(f, ctx.io.cwd);
  const exists = await fs
    .stat(path.join(settings.root, testFileOf(file)))
    .then((s) => s.isFile())
    .catch(() => false);
  const [history, store] = await Promise.all([
    readHistoryFile(settings.history, show(settings.history)),
    settings.timings ? readStoreFile(settings.timings.path, show(settings.timings.path)) : undefined,
  ]);
  const names = knownTestNames(file, history, store);
  const sources = [show(settings.history), ...(settings.timings ? [show(settings.timings.path)] : [])].join(
    ' or ',
  );
  const problem = !exists
    ? `no test file ${file} in ${show(settings.root) || '.'}`
    : names.includes(name)
      ? undefined
      : names.length === 0
        ? `no test of ${file} is recorded in ${sources}, so "${name}" cannot be checked`
        : `no test "${name}" in ${file} in ${sources} (known: ${names
            .slice(0, 5)
            .map((n) => JSON.stringify(n))
            .join(', ')}${names.length > 5 ? `, … ${names.length - 5} more` : ''})`;
  if (problem === undefined) return;
  if (!force) {
    throw usageError(
      `shard quarantine add: ${problem}; an entry must name the file and full test name (\`describe > it\`) as reports do, or pass --force to keep it anyway`,
    );
  }
  ctx.warn(`${problem}: kept (--force), but it protects only if a report names exactly this test`);
}
