// Type-only: `vitest/config` declares the `configureVitest` hook on Vite's Plugin type; nothing is loaded
// from it at run time (all runtime imports come from `vitest/node`, which Vitest 3.2, 4 and 5 share).
import type { Plugin } from 'vitest/config';
import type { Vitest, VitestPluginContext } from 'vitest/node';
import { validateOptions, type ShardwiseVitestOptions } from './options.js';
import { ShardwiseReporter } from './reporter.js';
import type { RunState } from './run-state.js';
import { createSequencer } from './sequencer.js';

/**
 * Vitest instances already set up. `configureVitest` runs once per project that has the plugin, and
 * projects can inherit the root's plugins: the first call installs, the others must not add a second
 * reporter.
 */
const installed = new WeakSet<Vitest>();

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
  const resolve = validateOptions(options);
  return {
    name: 'shardwise',
    configureVitest({ vitest }: VitestPluginContext) {
      if (installed.has(vitest)) return;
      installed.add(vitest);
      const config = vitest.config;
      // Watch runs are partial and cannot be sharded; merging blobs re-reports runs recorded already.
      if (config.watch || config.mergeReports || vitest.mode !== 'test') return;

      const state: RunState = { vitest, options: resolve(config.root, process.env) };
      config.sequence.sequencer = createSequencer(state);
      // An instance, not a [reporter, options] tuple: Vitest cannot load a tuple holding an object. The
      // configured list is final here, so a `--reporter` flag on the command line does not drop it.
      config.reporters.push(new ShardwiseReporter(state));
    },
  };
}
