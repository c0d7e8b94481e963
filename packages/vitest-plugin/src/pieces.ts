import type { Piece, Plan } from '@shardwise/core';
import { pieceTests } from '@shardwise/core/light';
import type { TestCase, TestModule, TestSuite } from 'vitest/node';

/**
 * Whether this Vitest can run part of a file: `TestProject.createSpecification(moduleId, { testNamePattern })`
 * arrived in 4.1 (vitest-dev/vitest#9336). Before it, the only per-file filter is `testLines`, which fails
 * the whole file when a line no longer holds a test: a stale store would break runs, so 3.2 and 4.0 plan
 * whole files.
 */
export function runsPieces(version: string | undefined): boolean {
  const match = /^(\d+)\.(\d+)\./.exec(version ?? '');
  if (!match) return false;
  const major = Number(match[1]);
  return major > 4 || (major === 4 && Number(match[2]) >= 1);
}

/**
 * The name a test pattern sees: Vitest matches `testNamePattern` against the test's names joined by a space
 * (its suites', then its own; not the file's), while `fullName` joins them with ` > `. Core's `matchKey`
 * turns a stored full name into this form; here it is built from the test itself.
 */
export function patternName(test: TestCase): string {
  const names = [test.name];
  for (let p: TestSuite | TestModule = test.parent; p.type === 'suite'; p = p.parent) names.unshift(p.name);
  return names.join(' ');
}

/**
 * The test-name filter of a piece. Pieces are named by full test names, escaped into an anchored regular
 * expression (not by Vitest's test ids: they are positions, `<file>_<index>`, and shift when a test is
 * added above). A piece runs exactly its tests; the last piece runs every test that no other piece of the
 * file names, so a test added since the store was written (or renamed) still runs exactly once.
 */
export function piecePattern(
  piece: Piece,
  plan: Pick<Plan, 'shards'>,
  matchKey: (name: string) => string,
): RegExp {
  const tests = pieceTests(piece, plan);
  const names = (list: readonly string[]) => list.map((t) => escapeRegExp(matchKey(t))).join('|');
  return 'only' in tests
    ? new RegExp(`^(?:${names(tests.only)})$`)
    : new RegExp(`^(?!(?:${names(tests.except)})$)`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** A runner task's hook states: Vitest records `beforeAll`/`afterAll`/`aroundAll` when a suite has them. */
type RunnerTask = { result?: { hooks?: Partial<Record<string, unknown>> } };
const BINDING_HOOKS = ['beforeAll', 'afterAll', 'aroundAll'];

/**
 * The describe block a test must share a piece with: the outermost suite above it with a `beforeAll`,
 * `afterAll` or `aroundAll` hook (split, the hook would run in two shards and its state would not be
 * shared). Read from the runner task behind the reported suite (`experimental_getRunnerTask` reads the same
 * field); undefined when no suite binds it.
 */
export function groupOf(test: TestCase): string | undefined {
  let group: string | undefined;
  for (let p: TestSuite | TestModule = test.parent; p.type === 'suite'; p = p.parent) {
    const hooks = (p as unknown as { task?: RunnerTask }).task?.result?.hooks;
    if (hooks && BINDING_HOOKS.some((h) => hooks[h] !== undefined)) group = p.fullName;
  }
  return group;
}
