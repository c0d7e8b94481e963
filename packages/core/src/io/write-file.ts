import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  promises as fs,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { writeError } from '../base/errors.js';

let tempCounter = 0;

/** A temporary file beside `file` (same directory, so the rename is atomic), unique in this process. */
function tempPathFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${++tempCounter}.tmp`);
}

/**
 * Writes a file atomically: a temporary file in the same directory, flushed, then renamed over the
 * target. A crash at any point leaves either the old file or the new one, never half of one.
 */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  await writeFilesTogether([{ file, text }]);
}

/** A file to write and its new content. */
export interface FileWrite {
  file: string;
  text: string;
}

/**
 * Writes several files as one change, in order: every new content is written to a temporary file first
 * (a full disk, a read-only folder fail here, before any target changes), then each is renamed over its
 * target. Should a rename fail (a target that cannot be replaced), the files already replaced get their
 * old content back: all of them change, or none. Put the file that records what was applied (the flaky
 * history) before the file it was applied to (the store), so that only a crash between two renames,
 * never an error, can leave them apart, and then the record is the one ahead.
 *
 * @example
 * await writeFilesTogether([{ file: historyPath, text: historyText }, { file: storePath, text: storeText }]);
 */
export async function writeFilesTogether(writes: readonly FileWrite[]): Promise<void> {
  const temps: { file: string; temp: string }[] = [];
  const cleanUp = (paths: readonly string[]) =>
    Promise.all(paths.map((p) => fs.rm(p, { force: true }).catch(() => undefined)));
  for (const { file, text } of writes) {
    const temp = tempPathFor(file);
    try {
      await fs.mkdir(path.dirname(file), { recursive: true });
      const handle = await fs.open(temp, 'w');
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      temps.push({ file, temp });
    } catch (error) {
      await cleanUp([temp, ...temps.map((t) => t.temp)]);
      throw writeError(file, error);
    }
  }
  // The old content of each file replaced so far (a link to it, or null when there was none), to put back.
  const replaced: { file: string; backup: string | null }[] = [];
  for (const [i, { file, temp }] of temps.entries()) {
    let backup: string | null = null;
    try {
      if (i < temps.length - 1) backup = await keepOld(file);
      await fs.rename(temp, file);
      replaced.push({ file, backup });
    } catch (error) {
      for (const r of replaced.reverse()) {
        await (r.backup === null ? fs.rm(r.file, { force: true }) : fs.rename(r.backup, r.file)).catch(
          () => undefined,
        );
      }
      await cleanUp([...(backup === null ? [] : [backup]), ...temps.slice(i).map((t) => t.temp)]);
      throw writeError(file, error);
    }
  }
  await cleanUp(replaced.flatMap((r) => (r.backup === null ? [] : [r.backup])));
}

/** A second name for a file's current content (a hard link, else a copy), or null when it does not exist. */
async function keepOld(file: string): Promise<string | null> {
  const backup = tempPathFor(file);
  try {
    await fs.link(file, backup);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    await fs.copyFile(file, backup);
  }
  return backup;
}

/**
 * {@link writeFileAtomic}, synchronously: for hooks whose caller does not await them (Jest's
 * `cacheResults`).
 */
export function writeFileAtomicSync(file: string, text: string): void {
  const temp = tempPathFor(file);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const fd = openSync(temp, 'w');
    try {
      writeFileSync(fd, text, 'utf8');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw writeError(file, error);
  }
}
