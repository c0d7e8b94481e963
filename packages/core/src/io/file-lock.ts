import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ShardwiseError, writeError } from '../base/errors.js';

/** How long {@link withFileLocks} waits for another process's lock before it fails, by default. */
export const LOCK_WAIT_MS = 120_000;

/**
 * A lock whose holder has not touched it for this long is stale (its process crashed or was killed) and is
 * taken over. The holder touches it every half of this, so only a holder stopped for this long loses it.
 */
const STALE_MS = 30_000;

export interface FileLockOptions {
  /** How long to wait for locks another process holds. @default 120000 */
  waitMs?: number;
  /** How the files are named in errors (e.g. relative to the current directory). @default the path */
  name?: (file: string) => string;
}

/**
 * Runs `task` while this process holds a lock on each of `files` (a `<file>.lock` directory beside it, as
 * `proper-lockfile` makes them), so that read-modify-write cycles of several processes on the same files
 * run one after another. Locks are taken in path order (two processes never wait on each other), released
 * when the task ends or throws. A lock left by a crashed process is taken over once stale; one still held
 * after `waitMs` is a `LOCKED` error (exit 3) naming the lock and how to clear it. `task` calls
 * `stillHeld()` just before it writes: it throws `LOCKED` if a stall cost this process its locks.
 *
 * @example
 * await withFileLocks([storePath, historyPath], async (stillHeld) => {
 *   const store = await readStoreFile(storePath);
 *   stillHeld();
 *   await writeStoreFile(storePath, update(store));
 * });
 */
export async function withFileLocks<T>(
  files: readonly string[],
  task: (stillHeld: () => void) => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const { lock } = (await import('proper-lockfile')).default;
  const name = options.name ?? ((file: string) => file);
  const deadline = Date.now() + (options.waitMs ?? LOCK_WAIT_MS);
  const releases: (() => Promise<void>)[] = [];
  let lost: string | undefined;
  try {
    for (const file of [...new Set(files.map((f) => path.resolve(f)))].sort()) {
      try {
        await fs.mkdir(path.dirname(file), { recursive: true });
      } catch (error) {
        throw writeError(name(file), error);
      }
      for (;;) {
        try {
          releases.push(
            await lock(file, {
              realpath: false,
              stale: STALE_MS,
              onCompromised: () => (lost ??= `${name(file)}.lock`),
            }),
          );
          break;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ELOCKED')
            throw writeError(`${name(file)}.lock`, error);
          if (Date.now() >= deadline) throw lockedError(`${name(file)}.lock`, options.waitMs ?? LOCK_WAIT_MS);
          // Jittered, so that processes queued on one lock do not retry in step.
          await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
        }
      }
    }
    // A holder that stalled past the stale time has lost its lock to another process: it must not write.
    const stillHeld = () => {
      if (lost === undefined) return;
      throw new ShardwiseError(
        'LOCKED',
        `${lost}: another process took this lock over while it was held (this process stalled for ${STALE_MS / 1000}s or more); run again`,
        { file: lost },
      );
    };
    const result = await task(stillHeld);
    stillHeld();
    return result;
  } finally {
    for (const release of releases.reverse()) await release().catch(() => undefined);
  }
}

function lockedError(lockFile: string, waitMs: number): ShardwiseError {
  return new ShardwiseError(
    'LOCKED',
    `${lockFile}: still held by another shardwise process after ${Math.ceil(waitMs / 1000)}s; let it finish, or delete ${lockFile} if no shardwise process is running`,
    { file: lockFile },
  );
}
