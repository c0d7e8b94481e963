import { promises as fs } from 'node:fs';
import { readError, ShardwiseError } from '../base/errors.js';
import { parseHistory, serializeHistory, type History } from '../learn/history.js';
import { parseQuarantine, serializeQuarantine, type Quarantine } from '../learn/quarantine.js';
import { displayPath } from '../base/paths.js';
import type { Settings } from '../base/settings.js';
import { writeFileAtomic } from './write-file.js';

/** A file's text, or `undefined` when it does not exist (normal: no history yet, nothing quarantined). */
async function readOptional(file: string, name: string, what: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw readError(name, error, what);
  }
}

/** Reads and validates the flaky history; `undefined` when the file does not exist yet. */
export async function readHistoryFile(file: string, name: string = file): Promise<History | undefined> {
  const text = await readOptional(file, name, 'flaky history');
  return text === undefined ? undefined : parseHistory(text, name);
}

/** Writes the flaky history atomically. */
export async function writeHistoryFile(file: string, history: History): Promise<void> {
  await writeFileAtomic(file, serializeHistory(history));
}

/** Reads and validates the quarantine file; `undefined` when it does not exist (nothing is quarantined). */
export async function readQuarantineFile(file: string, name: string = file): Promise<Quarantine | undefined> {
  const text = await readOptional(file, name, 'quarantine file');
  return text === undefined ? undefined : parseQuarantine(text, name);
}

/** Writes the quarantine file atomically. */
export async function writeQuarantineFile(file: string, quarantine: Quarantine): Promise<void> {
  await writeFileAtomic(file, serializeQuarantine(quarantine));
}

/**
 * Reads and validates the quarantine file the settings name, for every run that may judge failures by it
 * (a plugin's run, `shard files`, `shard quarantine check`): a broken one is its one-line error (exit 2)
 * before any test runs, not on the day a test fails. The default file may be absent (nothing is
 * quarantined: `undefined`); a file named by a flag, variable or option must exist, as a named store's
 * folder must (a typo would otherwise protect nothing, silently).
 */
export async function readQuarantineSetting(
  settings: Pick<Settings, 'quarantine' | 'quarantineSource'>,
  cwd: string = process.cwd(),
): Promise<Quarantine | undefined> {
  const name = displayPath(settings.quarantine, cwd);
  const source = settings.quarantineSource;
  let text: string;
  try {
    text = await fs.readFile(settings.quarantine, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw readError(name, error, 'quarantine file');
    if (source === undefined) return undefined;
    throw new ShardwiseError('NOT_FOUND', `${source} ${name}: no such quarantine file`, {
      file: settings.quarantine,
      hint: {
        kind: 'text',
        text: 'check the path, or create it with `shard quarantine add FILE NAME --reason TEXT`',
      },
    });
  }
  return parseQuarantine(text, name);
}
