import { promises as fs } from 'node:fs';
import { readError } from '../base/errors.js';
import { parseStore, parseStoreView, serializeStore } from '../formats/store.js';
import { type TimingStore } from '../formats/records.js';
import { writeFileAtomic } from './write-file.js';

/**
 * Reads and validates a store file. A missing file is normal on a first run and gives `undefined`; an
 * unreadable or invalid one throws a {@link ShardwiseError} naming the file as `name` (default: `file`).
 */
export async function readStoreFile(file: string, name: string = file): Promise<TimingStore | undefined> {
  const text = await readStoreText(file, name);
  return text === undefined ? undefined : parseStore(text, name);
}

/**
 * {@link readStoreFile} for a job that only plans (internal: see `parseStoreView`): the store's entries are
 * read where JSON.parse left them.
 */
export async function readStoreView(file: string, name: string = file): Promise<TimingStore | undefined> {
  const text = await readStoreText(file, name);
  return text === undefined ? undefined : parseStoreView(text, name);
}

/** The store's text, or `undefined` when there is no file. */
async function readStoreText(file: string, name: string): Promise<string | undefined> {
  try {
    // Read as bytes, then decoded in one piece: one flat string outside the young generation, where the
    // chunks of a decoding read would be copied by every collection while JSON.parse fills the heap.
    return (await fs.readFile(file)).toString('utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw readError(name, error, 'timing store', 'INVALID_OPTION', { kind: 'store' });
  }
}

/** Serializes a store and writes it atomically. */
export async function writeStoreFile(file: string, store: TimingStore): Promise<void> {
  await writeFileAtomic(file, serializeStore(store));
}
