import { readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * `@shardwise/jest/runner`: a Jest `testRunner` that runs a piece of a split file (some of its tests) and
 * delegates everything else to the project's own runner (jest-circus unless `SHARDWISE_JEST_RUNNER` names
 * another). The sequencer, in Jest's main process, writes this shard's pieces to a file and names it in
 * `SHARDWISE_JEST_PIECES` before Jest starts its workers, which inherit it.
 *
 * A piece is chosen by full test name (`describe > it`), compared exactly: the tests it does not run are
 * marked skipped once the file is collected (`run_start`), so Jest skips their hooks as for `test.skip`.
 * Not by `testNamePattern`, which jest-circus compiles case-insensitively: `three` would select `Three`
 * too, and a test could run in two pieces.
 *
 * It also tells the recorder which describe block each test must share a piece with (the outermost one
 * with a `beforeAll` or `afterAll`), on the test result it returns (`shardwiseGroups`).
 */

export const PIECES_ENV = 'SHARDWISE_JEST_PIECES';
export const INNER_RUNNER_ENV = 'SHARDWISE_JEST_RUNNER';

/** Which tests of a file this shard runs: those named, or all but those named (the file's last piece). */
import type { PieceTests } from '@shardwise/core/light';

/** The parts of jest-circus's state this wrapper reads (its `Circus.DescribeBlock` and `TestEntry`). */
interface Block {
  type: 'describeBlock';
  name: string;
  parent?: Block;
  hooks: { type: string }[];
  children: (Block | Entry)[];
}
interface Entry {
  type: 'test';
  name: string;
  parent: Block;
  mode?: string;
}
interface CircusEvent {
  name: string;
}
interface CircusState {
  rootDescribeBlock: Block;
}
interface Environment {
  handleTestEvent?: (event: CircusEvent, state: CircusState) => unknown;
}

type TestFramework = (
  globalConfig: unknown,
  config: { rootDir: string },
  environment: Environment,
  runtime: unknown,
  testPath: string,
  sendMessageToJest?: unknown,
) => Promise<Record<string, unknown>>;

const TITLE_SEPARATOR = ' > ';
const BINDING_HOOKS = new Set(['beforeAll', 'afterAll']);

let pieces: Promise<Map<string, (name: string) => boolean>> | undefined;

/** This shard's pieces by absolute test path, read once per worker (and core loaded only then). */
async function readPieces(env: NodeJS.ProcessEnv): Promise<Map<string, (name: string) => boolean>> {
  const file = env[PIECES_ENV];
  if (!file) return new Map();
  const { pieceFilter } = await import('@shardwise/core/light');
  const listed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, PieceTests>;
  return new Map(Object.entries(listed).map(([testPath, tests]) => [testPath, pieceFilter(tests)]));
}

/**
 * The runner to delegate to. jest-circus comes from the Jest that is running (the process's own script: a
 * Jest worker, or Jest's bin when in band), so that it matches Jest's runtime even where two Jests are
 * installed; another runner, named by the user, from the project.
 */
function innerRunner(rootDir: string, env: NodeJS.ProcessEnv): TestFramework {
  const named = env[INNER_RUNNER_ENV];
  const from = named || !process.argv[1] ? path.join(rootDir, 'package.json') : realpathSync(process.argv[1]);
  let loaded: TestFramework | { default: TestFramework };
  try {
    loaded = createRequire(from)(named || 'jest-circus/runner') as TestFramework | { default: TestFramework };
  } catch {
    // The user's setting names a module that is not there: say which, and how to fix it.
    throw new Error(
      named
        ? `shardwise: ${INNER_RUNNER_ENV}=${named} cannot be loaded from ${rootDir}: install it, or unset ${INNER_RUNNER_ENV} to use jest-circus`
        : `shardwise: jest-circus cannot be loaded from ${from}: reinstall jest`,
    );
  }
  return typeof loaded === 'function' ? loaded : loaded.default;
}

/** Each test of the tree with its full name and the describe block it must share a piece with. */
function* testsOf(block: Block, names: string[] = [], group?: string): Generator<[Entry, string, string?]> {
  for (const child of block.children) {
    if (child.type === 'test') {
      yield [child, [...names, child.name].join(TITLE_SEPARATOR), group];
      continue;
    }
    const inner = [...names, child.name];
    const binds = child.hooks.some((h) => BINDING_HOOKS.has(h.type));
    yield* testsOf(child, inner, group ?? (binds ? inner.join(TITLE_SEPARATOR) : undefined));
  }
}

const runner: TestFramework = async (globalConfig, config, environment, runtime, testPath, send) => {
  const runs = (await (pieces ??= readPieces(process.env))).get(testPath);
  const groups: Record<string, string> = {};
  let collected = false;
  const handle = environment.handleTestEvent?.bind(environment);
  environment.handleTestEvent = (event, state) => {
    if (event.name === 'run_start') {
      collected = true;
      for (const [test, name, group] of testsOf(state.rootDescribeBlock)) {
        if (group !== undefined) groups[name] = group;
        if (runs && !runs(name)) test.mode = 'skip';
      }
    }
    return handle?.(event, state);
  };
  const result = await innerRunner(config.rootDir, process.env)(
    globalConfig,
    config,
    environment,
    runtime,
    testPath,
    send,
  );
  // A runner that does not speak jest-circus's events ran the whole file: loud, never a silent double run.
  if (runs && !collected)
    throw new Error(
      `shardwise: the test runner ${process.env[INNER_RUNNER_ENV] ?? 'jest-circus/runner'} sent no jest-circus events, so it ran all of ${testPath} where this shard has one piece of it; plan whole files for it (SHARDWISE_SPLIT_TESTS=0) or delegate to jest-circus`,
    );
  return Object.keys(groups).length > 0 ? { ...result, shardwiseGroups: groups } : result;
};

export default runner;
