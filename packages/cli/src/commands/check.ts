import { EXIT_CODES } from '@shardwise/core/light';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  ShardwiseError,
  compareCodeUnits,
  displayPath,
  isLowMatch,
  isManyUnlisted,
  normalizePath,
  readStoreFile,
  splitTestKey,
  splitUnitKey,
} from '@shardwise/core';
import type { Context } from '../context.js';
import { formatPercent } from '../format.js';
import { cliSettings, listFiles, storePathOf } from '../inputs.js';
import type { CommandLine } from '../options.js';
import { matchHint, unlistedWarning } from '../match-hint.js';

/** How many names of each list the text output shows (all with --verbose or --json). */
const SHOWN = 20;

/**
 * `shard check`: validates the store (exit 2 when invalid, 1 when missing), then lists stale entries (files
 * that are gone) and files with no timing, and prints how many entries match the current files.
 */
export async function checkCommand(ctx: Context, { values, positionals }: CommandLine): Promise<number> {
  const settings = cliSettings(values, ctx);
  const { root } = settings;
  const storePath = storePathOf(settings);
  const [store, listed] = await Promise.all([
    readStoreFile(storePath, displayPath(storePath, ctx.io.cwd)),
    listFiles(values, positionals, root, ctx),
  ]);
  const name = displayPath(storePath, ctx.io.cwd);
  if (!store) {
    ctx.io.stderr.write(
      `${ctx.err.red(ctx.err.bold('error'))} ${name}: no timing store here; create one with \`shard merge\` or \`shard import\`\n`,
    );
    return EXIT_CODES.checkFailed;
  }
  const files = new Set<string>();
  for (const file of listed.files) {
    const key = normalizePath(file, root);
    if (key !== '') files.add(key);
  }
  // Matched as planning matches: by exact key (so `check` and `plan` give the same rate). A key
  // `project|path` (a named project of several) is not stale when its path is a test file; an entry whose
  // file exists but was not listed is not stale either: the patterns missed it.
  const byPath = new Set<string>();
  const stale: string[] = [];
  const unlisted: string[] = [];
  let matched = 0;
  let projectKeyed = 0;
  // Tests and groups of a file (`path › title`, Playwright's units): not stale while their file is listed.
  let testKeyed = 0;
  for (const key of store.files.keys()) {
    const { file: fileKey, titles } = splitTestKey(key);
    const { project, path: file } = splitUnitKey(fileKey);
    byPath.add(file);
    if (files.has(key)) matched++;
    else if (titles.length > 0 && (files.has(fileKey) || files.has(file))) testKeyed++;
    else if (project && files.has(file)) projectKeyed++;
    else unlisted.push(key);
  }
  const exists = await Promise.all(
    unlisted.map((key) =>
      fs.stat(path.join(root, splitUnitKey(splitTestKey(key).file).path)).then(
        (st) => st.isFile(),
        () => false,
      ),
    ),
  );
  const notListed = unlisted.filter((_, i) => exists[i]);
  stale.push(...unlisted.filter((_, i) => !exists[i]));
  const untimed = [...files].filter((f) => !byPath.has(f));
  stale.sort(compareCodeUnits);
  notListed.sort(compareCodeUnits);
  untimed.sort(compareCodeUnits);
  const entries = store.files.size;
  if (files.size === 0) {
    // Every entry would look stale: say what is really wrong.
    throw new ShardwiseError('NO_TEST_FILES', `no test files found (from ${listed.source} in ${root})`, {
      hint: { kind: 'patterns' },
    });
  }

  if (values.json) {
    ctx.io.stdout.write(
      JSON.stringify({
        store: storePath,
        valid: true,
        entries,
        files: files.size,
        matched,
        projectKeyed,
        testKeyed,
        stale,
        unlisted: notListed,
        untimed,
      }) + '\n',
    );
  } else {
    const c = ctx.out;
    const list = (title: string, names: string[]) => {
      if (names.length === 0) return [];
      const shown = ctx.verbose ? names : names.slice(0, SHOWN);
      const more = names.length - shown.length;
      return [
        '',
        c.bold(title),
        ...shown.map((n) => `  ${n}`),
        ...(more > 0 ? [c.dim(`  … and ${more} more (--verbose lists all)`)] : []),
      ];
    };
    const rate = entries === 0 ? 1 : matched / entries;
    ctx.io.stdout.write(
      [
        `${c.green('✓')} ${name} is a valid store (format version 1) with ${entries} entries`,
        `  ${matched} of ${entries} entries (${formatPercent(rate)}) match the ${files.size} test files from ${listed.source}`,
        ...(projectKeyed > 0
          ? [`  ${projectKeyed} more are keyed by project ("name|path"): the runner plugins plan with them`]
          : []),
        ...(testKeyed > 0
          ? [
              `  ${testKeyed} more are tests or groups of listed files ("path › title"): the Playwright reporter plans with them`,
            ]
          : []),
        ...list(`Stale entries (${stale.length}): no such test file; \`shard merge\` prunes them`, stale),
        ...list(
          `Not listed (${notListed.length}): the file exists, but the test file patterns did not find it`,
          notListed,
        ),
        ...list(`Files with no timing (${untimed.length}): planned by estimate until they run`, untimed),
      ].join('\n') + '\n',
    );
  }
  if (isLowMatch({ files: files.size, timed: matched, entries })) {
    const hint = await matchHint(root, {
      entries,
      projectKeyed,
      unmatched: [...notListed, ...stale].slice(0, 20),
    });
    ctx.warn(
      `only ${matched} of ${files.size} test files have a time in ${name} (${entries} entries). ${hint}`,
    );
  } else if (isManyUnlisted(files.size, unlisted.length)) {
    // The rule and the words of `shard plan`: the patterns miss part of the suite the store knows.
    const match = { files: files.size, timed: matched, entries };
    const line = await unlistedWarning(root, listed.source, name, {
      match,
      unlisted: unlisted.length,
      sample: notListed,
    });
    if (line) ctx.warn(line);
  }
  return EXIT_CODES.ok;
}
