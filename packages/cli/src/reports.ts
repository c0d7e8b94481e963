// @internal: not exported from the package entry (index.ts); its shape may change in any release.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ShardwiseError, type Smoothing } from '@shardwise/core';
import { usageError } from './options.js';

const GLOB_MAGIC = /[*?[\]{}]/;

/**
 * Expands report arguments: a file is taken as is, a directory contributes every file with one of
 * `extensions` below it (sorted, so the order never depends on the file system), and a pattern that names
 * no file is globbed (for shells that do not expand `reports/**\/*.xml`).
 */
export async function expandInputs(
  args: readonly string[],
  cwd: string,
  extensions: readonly string[],
): Promise<{ file: string; fromDirectory: boolean }[]> {
  const found: { file: string; fromDirectory: boolean }[] = [];
  for (const arg of args) {
    const full = path.resolve(cwd, arg);
    const stat = await fs.stat(full).catch(() => undefined);
    if (stat?.isDirectory()) {
      const entries = await fs.readdir(full, { recursive: true, withFileTypes: true });
      const files = entries
        .filter((e) => e.isFile() && extensions.some((ext) => e.name.endsWith(ext)))
        .map((e) => path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))
        .sort();
      for (const file of files) found.push({ file, fromDirectory: true });
    } else if (stat) {
      found.push({ file: full, fromDirectory: false });
    } else if (GLOB_MAGIC.test(arg)) {
      const { default: glob } = await import('fast-glob');
      const files = await glob(arg.replaceAll('\\', '/'), { cwd, absolute: true, onlyFiles: true });
      if (files.length === 0) throw new ShardwiseError('NOT_FOUND', `${arg}: no file matches this pattern`);
      for (const file of files.sort()) found.push({ file: path.normalize(file), fromDirectory: false });
    } else {
      throw new ShardwiseError('NOT_FOUND', `${arg}: no such file or directory`);
    }
  }
  // The same file named twice (a directory and a file in it) is read once.
  const seen = new Set<string>();
  return found.filter(({ file }) => !seen.has(file) && seen.add(file));
}

/** `ewma`, `ewma:0.5`, `median`, `median:7` or `latest`. */
export function parseSmoothing(text: string | undefined): Smoothing | undefined {
  if (text === undefined) return undefined;
  const [kind, arg, extra] = text.split(':');
  const num = arg === undefined ? undefined : Number(arg);
  if (extra === undefined && (arg === undefined || (arg !== '' && Number.isFinite(num)))) {
    if (kind === 'latest' && arg === undefined) return { kind: 'latest' };
    if (kind === 'ewma' && (num === undefined || (num > 0 && num <= 1))) {
      return num === undefined ? { kind: 'ewma' } : { kind: 'ewma', alpha: num };
    }
    if (kind === 'median' && (num === undefined || (Number.isSafeInteger(num) && num >= 1))) {
      return num === undefined ? { kind: 'median' } : { kind: 'median', window: num };
    }
  }
  throw usageError(
    `Expected --smoothing to be ewma[:ALPHA] (0 < ALPHA ≤ 1), median[:WINDOW] or latest, got "${text}"`,
  );
}
