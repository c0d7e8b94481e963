import { promises as fs } from 'node:fs';
import { isShardwiseError, readError, type ShardwiseError } from '../base/errors.js';

/**
 * Reads many files concurrently, at most `concurrency` at a time (a CI artifact folder can hold thousands
 * of reports; unbounded reads run out of file descriptors), and parses each. Results keep input order.
 * With `onInvalid`, a file that cannot be read or parsed (a user error) is handed to it and gives
 * `undefined` instead of failing the whole read.
 */
export async function readFilesWith<T>(
  files: readonly string[],
  parse: (text: string, file: string) => T,
  options: {
    concurrency?: number;
    onProgress?: (done: number, total: number) => void;
    onInvalid?: (file: string, error: ShardwiseError) => void;
  } = {},
): Promise<(T | undefined)[]> {
  // Loaded here, not at import: only `shard merge` and `shard import` read many files.
  const { default: pLimit } = await import('p-limit');
  const limit = pLimit(options.concurrency ?? 16);
  let done = 0;
  return Promise.all(
    files.map((file) =>
      limit(async () => {
        try {
          let text: string;
          try {
            text = await fs.readFile(file, 'utf8');
          } catch (error) {
            throw readError(file, error, 'report');
          }
          return parse(text, file);
        } catch (error) {
          if (!options.onInvalid || !isShardwiseError(error) || error.kind !== 'input') throw error;
          options.onInvalid(file, error);
          return undefined;
        } finally {
          options.onProgress?.(++done, files.length);
        }
      }),
    ),
  );
}
