import { promises as fs } from 'node:fs';
import { readError } from './errors.js';
import { parseStore, serializeStore, type TimingStore } from './store.js';
import { writeFileAtomic } from './write-file.js';

/**
 * Reads and validates a store file. A missing file is normal on a first run and gives `undefined`; an
 * unreadable or invalid one throws a {@link ShardwiseError} naming the file as `name` (default: `file`).
 */
export async function readStoreFile(file: string, name: string = file): Promise<TimingStore | undefined> {
  let text: string;
  try {
    // Read as bytes, then decoded in one piece: one flat string outside the young generation, where the
    // chunks of a decoding read would be copied by every collection while JSON.parse fills the heap.
    text = (await fs.readFile(file)).toString('utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw readError(name, error, 'timing store', 'INVALID_OPTION', { kind: 'store' });
  }
  return parseStore(text, name);
}

/** Serializes a store and writes it atomically. */
export async function writeStoreFile(file: string, store: TimingStore): Promise<void> {
  await writeFileAtomic(file, serializeStore(store));
}
