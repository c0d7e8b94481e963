import { promises as fs } from 'node:fs';
import { readError } from './errors.js';

/**
 * Reads many files concurrently, at most `concurrency` at a time (a CI artifact folder can hold thousands
 * of reports; unbounded reads run out of file descriptors), and parses each. Results keep input order.
 */
export async function readFilesWith<T>(
  files: readonly string[],
  parse: (text: string, file: string) => T,
  options: { concurrency?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<T[]> {
  // Loaded here, not at import: only `shard merge` and `shard import` read many files.
  const { default: pLimit } = await import('p-limit');
  const limit = pLimit(options.concurrency ?? 16);
  let done = 0;
  return Promise.all(
    files.map((file) =>
      limit(async () => {
        let text: string;
        try {
          text = await fs.readFile(file, 'utf8');
        } catch (error) {
          throw readError(file, error, 'report');
        }
        const result = parse(text, file);
        options.onProgress?.(++done, files.length);
        return result;
      }),
    ),
  );
}
