import { promises as fs } from 'node:fs';
import { readError } from './errors.js';
import { parseHistory, serializeHistory, type History } from './history.js';
import { parseQuarantine, serializeQuarantine, type Quarantine } from './quarantine.js';
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
