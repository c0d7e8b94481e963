// Type-only: `vitest/config` declares the `configureVitest` hook on Vite's Plugin type; nothing is loaded
// from it at run time (all runtime imports come from `vitest/node`, which Vitest 3.2, 4 and 5 share).
import { writeSync } from 'node:fs';
import { exitOnUserError, readQuarantineSetting, ShardwiseError } from '@shardwise/core/light';
import type { Plugin } from 'vitest/config';
import type { Vitest, VitestPluginContext } from 'vitest/node';
import { BlobPieceJoiner } from './blob-pieces.js';
import { validateOptions, type ShardwiseVitestOptions } from './options.js';
import { ShardwiseReporter } from './reporter.js';
import type { RunState } from './run-state.js';
import { createSequencer } from './sequencer.js';

/**
 * Vitest instances already set up. `configureVitest` runs once per project that has the plugin, and
 * projects can inherit the root's plugins: the first call installs, the others must not add a second
 * reporter. The sequencer is global, so one call plans the files of every project of the run.
 */
const installed = new WeakSet<Vitest>();
/** The root Vite servers of the Vitest instances that called `configureVitest` at least once. */
const reached = new WeakSet<object>();
/**
 * A `--project` filter can leave out every project that has the plugin: Vitest resolves their configs
 * (the `config` hook runs) and then drops them, so no hook of the plugin runs again and Vitest splits by
 * file count. The projects seen, and whether any hook went further, say so when the process exits.
 */
const filtered = { projects: new Set<string>(), reached: false, listening: false };

/**
 * The shardwise Vitest plugin: `vitest run --shard=I/N` splits by recorded time instead of by file count,
 * and every run records the durations the next plan is computed from.
 *
 * @example
 * // vitest.config.ts
 * import { defineConfig } from 'vitest/config';
 * import { shardwise } from '@shardwise/vitest';
 *
 * export default defineConfig({ plugins: [shardwise()] });
 */
export function shardwise(options: ShardwiseVitestOptions = {}): Plugin {
  // A bad option fails the run (one line, exit 2) when Vitest starts, not while a tool merely loads the config.
  let resolve: ReturnType<typeof validateOptions> | undefined;
  let invalid: unknown;
  try {
    resolve = validateOptions(options);
  } catch (error) {
    invalid = error;
  }
  /** The root config's `test.projects`, when this plugin instance is in Vitest's root config. */
  let rootProjects: readonly unknown[] | undefined;
  return {
    name: 'shardwise',
    config(config: { test?: { name?: unknown } }) {
      noteFilteredProject(config.test?.name);
    },
    configResolved(config: object) {
      // Vitest marks its root server's config; project servers (which may inherit this plugin) are unmarked.
      if (!('_vitest' in config)) return;
      const projects = (config as { test?: { projects?: unknown } }).test?.projects;
      rootProjects = Array.isArray(projects) && projects.length > 0 ? projects : undefined;
    },
    configureServer(server: object) {
      // Vitest's own root hook (enforce: 'pre') has set up every project and called `configureVitest` by now.
      if (rootProjects === undefined || reached.has(server)) return;
      filtered.reached = true;
      return exitOnUserError(invalid ?? unreachable(rootProjects));
    },
    // Vitest awaits this hook (and a user error's promise never settles): nothing runs before the exit.
    // eslint-disable-next-line @typescript-eslint/no-misused-promises
    configureVitest({ vitest }: VitestPluginContext) {
      filtered.reached = true;
      reached.add(vitest.vite);
      if (installed.has(vitest)) return;
      installed.add(vitest);
      if (invalid !== undefined || resolve === undefined) return exitOnUserError(invalid);
      const config = vitest.config;
      // Merging blobs re-reports runs recorded already: nothing to plan or record, but the pieces of split
      // files must be joined, or Vitest keeps one piece per file.
      if (config.mergeReports) {
        config.reporters.push(new BlobPieceJoiner());
        return;
      }
      // Watch runs are partial and cannot be sharded.
      if (config.watch || vitest.mode !== 'test') return;

      let state: RunState;
      try {
        state = {
          vitest,
          options: resolve(config.root, process.env),
          splitTests: options.splitTests !== false,
        };
      } catch (error) {
        return exitOnUserError(error);
      }
      config.sequence.sequencer = createSequencer(state);
      // An instance, not a [reporter, options] tuple: Vitest cannot load a tuple holding an object. The
      // configured list is final here, so a `--reporter` flag on the command line does not drop it.
      config.reporters.push(new ShardwiseReporter(state));
      // The quarantine is judged when the run ends; a broken or missing named file fails the run now, before
      // any test runs, sharded or not (never only on the day a test fails).
      return readQuarantineSetting(state.options).then(() => undefined, exitOnUserError);
    },
  };
}

/**
 * Remembers a project with the plugin in a sharded run filtered by `--project`, and says at exit when the
 * filter left out all of them: the run was Vitest's own split, and nothing was recorded.
 */
function noteFilteredProject(name: unknown): void {
  const argv = process.argv;
  const given = (flag: string) => argv.some((a) => a === flag || a.startsWith(`${flag}=`));
  if (!given('--shard') || !given('--project')) return;
  const label = typeof name === 'string' ? name : (name as { label?: unknown } | undefined)?.label;
  if (typeof label === 'string' && label !== '') filtered.projects.add(label);
  if (filtered.listening) return;
  filtered.listening = true;
  process.once('exit', () => {
    if (filtered.reached) return;
    const names = [...filtered.projects].map((n) => JSON.stringify(n)).join(', ');
    // Synchronous: the process is exiting.
    writeSync(
      2,
      `shardwise: --project left out every project that has shardwise()${names ? ` (${names})` : ''}, so Vitest split this run by its file count and recorded no timing; add shardwise() to the projects you run (their config's plugins, or \`extends: true\` on an inline project)\n`,
    );
  });
}

/**
 * The root config has `test.projects` and none of them has the plugin: Vitest calls `configureVitest` only
 * for projects, so it would shard by file count and record nothing. The fix depends on how the projects
 * are declared.
 */
function unreachable(projects: readonly unknown[]): ShardwiseError {
  const inline = projects
    .filter((p): p is { extends?: unknown; test?: { name?: unknown } } => typeof p === 'object' && p !== null)
    .filter((p) => !p.extends);
  const named = projects.filter((p): p is string => typeof p === 'string');
  const fixes: string[] = [];
  if (inline.length > 0) {
    const names = inline.map((p, i) =>
      JSON.stringify(typeof p.test?.name === 'string' ? p.test.name : `#${i + 1}`),
    );
    fixes.push(`add \`extends: true\` to the inline project(s) ${names.join(', ')} so they inherit it`);
  }
  if (named.length > 0) {
    fixes.push(
      `add shardwise() to the plugins of the config file of every project that ${named.map((n) => JSON.stringify(n)).join(', ')} names (a folder without one needs a vitest.config.ts)`,
    );
  }
  return new ShardwiseError(
    'INVALID_OPTION',
    `shardwise() is in the root config, but no project of test.projects has it, so Vitest would never call it (no timing plan, no report): ${fixes.join('; or ')}`,
  );
}
