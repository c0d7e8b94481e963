import path from 'node:path';

/**
 * Normalizes a test file path to the key shardwise uses everywhere: a POSIX path relative to `root`.
 *
 * `\` becomes `/`, `./` and duplicate slashes go, `a/../b` folds, and an absolute path (POSIX or Windows,
 * drive letters compared case-insensitively) is made relative to `root`. Pure string work: no file system.
 *
 * @example
 * normalizePath('.\\src\\a.test.ts') // 'src/a.test.ts'
 * normalizePath('/repo/src/a.test.ts', '/repo') // 'src/a.test.ts'
 */
export function normalizePath(file: string, root?: string): string {
  let p = file.replaceAll('\\', '/');
  if (root !== undefined && isAbsolutePath(p)) {
    const r = root.replaceAll('\\', '/');
    const [pn, rn] = sameDrive(p, r);
    // Only two absolute paths on the same footing can be related; posix.relative would resolve anything
    // else against the current directory (`C:/x` against `D:/repo` became `../../C:/x`). Such a path stays
    // absolute, and the store refuses it with a clear message.
    if (pn.startsWith('/') && rn.startsWith('/')) p = path.posix.relative(rn, pn);
  }
  p = path.posix.normalize(p);
  if (p === '.' || p === './') return '';
  if (p.startsWith('./')) p = p.slice(2);
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p;
}

/** Whether a path is absolute in POSIX or Windows form (`/x`, `C:/x`, `C:\x`, `//server/share`). */
export function isAbsolutePath(p: string): boolean {
  return p.startsWith('/') || p.startsWith('\\') || /^[A-Za-z]:[\\/]/.test(p);
}

/**
 * Windows drive letters differ in case between tools (`c:` vs `C:`); posix.relative treats them as
 * different roots. Lower-case both when they name the same drive, and put them on a POSIX footing.
 */
function sameDrive(p: string, root: string): [string, string] {
  const drive = /^([A-Za-z]):\//;
  const pd = drive.exec(p);
  const rd = drive.exec(root);
  if (pd && rd && pd[1]!.toLowerCase() === rd[1]!.toLowerCase()) {
    return ['/' + p.slice(3), '/' + root.slice(3)];
  }
  return [p, root];
}

/**
 * The key of a test file inside a named project. Runners that have several projects (Jest `projects`,
 * Vitest `projects`) can hold the same file twice; each is a separate unit. The root or only project has
 * no prefix, so a single-project store reads like a plain file list.
 */
export function unitKey(project: string | undefined, relPath: string): string {
  return project ? `${project}|${relPath}` : relPath;
}

/**
 * Between a file's key and the titles of a test unit (`tests/a.spec.ts › checkout › pays`): Playwright's own
 * separator of titles. Defined here so that {@link splitUnitKey} reads only the file part; see `test-key.ts`.
 */
export const TITLE_SEPARATOR = ' \u203a ';

/**
 * Splits a unit key into its project name ('' for none) and its relative path. For a test unit's key
 * (`project|path › title`), `path` is the path and the titles, as before; the project is read from the
 * file part only, so a `|` in a title never makes a project name.
 */
export function splitUnitKey(key: string): { project: string; path: string } {
  const titles = key.indexOf(TITLE_SEPARATOR);
  const bar = key.indexOf('|');
  // Only a prefix without `/` is a project name, so a file whose name contains `|` stays a file.
  if (bar > 0 && (titles < 0 || bar < titles) && !key.slice(0, bar).includes('/'))
    return { project: key.slice(0, bar), path: key.slice(bar + 1) };
  return { project: '', path: key };
}

/** Code-unit order, the same on every machine and locale (never `localeCompare`). */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A path as people type it: relative to `cwd` when inside it, else absolute. */
export function displayPath(file: string, cwd: string = process.cwd()): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}
