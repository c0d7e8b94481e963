import path from 'node:path';
import {
  compareCodeUnits,
  displayPath,
  isLowMatch,
  normalizePath,
  readStoreFile,
  splitUnitKey,
} from '@shardwise/core';
import type { Context } from '../context.js';
import { formatPercent } from '../format.js';
import { cliSettings, listFiles, storePathOf } from '../inputs.js';
import type { CommandLine } from '../options.js';

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
  const name = path.relative(ctx.io.cwd, storePath) || storePath;
  if (!store) {
    ctx.io.stderr.write(
      `${ctx.err.red(ctx.err.bold('error'))} ${name}: no timing store here; create one with \`shard merge\` or \`shard import\`\n`,
    );
    return 1;
  }
  const files = new Set<string>();
  for (const file of listed.files) {
    const key = normalizePath(file, root);
    if (key !== '') files.add(key);
  }
  // A key `project|path` (a named project of several) matches its path.
  const keyed = new Set<string>();
  const stale: string[] = [];
  for (const key of store.files.keys()) {
    const { path: file } = splitUnitKey(key);
    keyed.add(file);
    if (!files.has(file)) stale.push(key);
  }
  const untimed = [...files].filter((f) => !keyed.has(f));
  stale.sort(compareCodeUnits);
  untimed.sort(compareCodeUnits);
  const entries = store.files.size;
  const matched = entries - stale.length;

  if (values.json) {
    ctx.io.stdout.write(
      JSON.stringify({ store: storePath, valid: true, entries, files: files.size, matched, stale, untimed }) +
        '\n',
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
        ...list(`Stale entries (${stale.length}): no such test file; \`shard merge\` prunes them`, stale),
        ...list(`Files with no timing (${untimed.length}): planned by estimate until they run`, untimed),
      ].join('\n') + '\n',
    );
  }
  if (isLowMatch({ files: files.size, timed: matched, entries })) {
    ctx.warn(
      `only ${matched} of ${entries} store entries match a current test file: are the store's paths relative to ${root}? Pass --root or rebuild the store.`,
    );
  }
  if (files.size === 0 && positionals.length === 0 && values['files-from'] === undefined) {
    ctx.warn(`no test files found under ${root}; pass --root, file patterns or --files-from`);
  }
  return 0;
}
