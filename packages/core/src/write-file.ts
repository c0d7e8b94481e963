import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ShardwiseError } from './errors.js';

let tempCounter = 0;

/**
 * Writes a file atomically: a temporary file in the same directory, flushed, then renamed over the
 * target. A crash at any point leaves either the old file or the new one, never half of one.
 */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true });
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${++tempCounter}.tmp`);
  try {
    const handle = await fs.open(temp, 'w');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw new ShardwiseError('STORE_IO', `${file}: cannot write (${(error as Error).message})`, {
      cause: error,
    });
  }
}
