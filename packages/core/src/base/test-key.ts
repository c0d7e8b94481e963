/**
 * Keys of units smaller than a file: one test, or a group of tests that must run together (a serial
 * group, tests sharing a `beforeAll`). Such a key is the file's key followed by the titles below the
 * file, joined by {@link TITLE_SEPARATOR}:
 *
 *     tests/cart.spec.ts › checkout › pays by card
 *     chromium|tests/cart.spec.ts › checkout
 *
 * They live in the same store as file keys. Only the file part is a path: normalizing a key never touches
 * the titles, so a title with a URL (`GET http://x//y`) or a backslash stays exactly as the runner wrote it.
 */
import { normalizePath, splitUnitKey, TITLE_SEPARATOR } from './paths.js';

export { TITLE_SEPARATOR };

/**
 * The key of a unit inside a file: the file's key (`path` or `project|path`) and the titles below the
 * file, outermost first. No titles: the file's own key.
 *
 * @example
 * testUnitKey('chromium|tests/cart.spec.ts', ['checkout', 'pays by card'])
 * // 'chromium|tests/cart.spec.ts › checkout › pays by card'
 */
export function testUnitKey(fileKey: string, titles: readonly string[]): string {
  return titles.length === 0 ? fileKey : `${fileKey}${TITLE_SEPARATOR}${titles.join(TITLE_SEPARATOR)}`;
}

/**
 * Splits a unit key into the file's key and the titles after it (none for a file unit). The file key ends
 * at the first separator, so titles that contain the separator themselves come back joined differently,
 * but the file is always right.
 */
export function splitTestKey(key: string): { file: string; titles: string[] } {
  const at = key.indexOf(TITLE_SEPARATOR);
  if (at < 0) return { file: key, titles: [] };
  return { file: key.slice(0, at), titles: key.slice(at + TITLE_SEPARATOR.length).split(TITLE_SEPARATOR) };
}

/**
 * The path of the test file a report or store key belongs to: neither its project nor its titles.
 *
 * @example
 * testFileOf('chromium|tests/cart.spec.ts › checkout › pays') // 'tests/cart.spec.ts'
 */
export function testFileOf(key: string): string {
  return splitTestKey(splitUnitKey(key).path).file;
}

/**
 * Normalizes the file part of a unit key ({@link normalizePath}) and keeps its titles as they are: what
 * the partitioner does to every key it is given.
 */
export function normalizeUnitKey(key: string, root?: string): string {
  const at = key.indexOf(TITLE_SEPARATOR);
  if (at < 0) return normalizePath(key, root);
  return normalizePath(key.slice(0, at), root) + key.slice(at);
}
