/**
 * Whether a runner's version is at least `minimum` (`major.minor`), by its leading `major.minor`: `1.65.1`,
 * `1.64.0-alpha-2026-09-04` and `5.0.0-rc.2` read as their release. One policy for a version it cannot
 * read (undefined, `unknown`, a new shape): new enough. A version string in a new shape is more likely a
 * newer runner than an older one, and a gate that failed it would stop a run that may well work.
 *
 * @example
 * versionAtLeast('1.62.0-next', '1.62'); // true
 * versionAtLeast('4.0.18', '4.1'); // false
 */
export function versionAtLeast(version: string | undefined, minimum: string): boolean {
  const match = /^(\d+)\.(\d+)(?:\.|$)/.exec(version ?? '');
  if (!match) return true;
  const [needMajor = 0, needMinor = 0] = minimum.split('.').map(Number);
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return major > needMajor || (major === needMajor && minor >= needMinor);
}
