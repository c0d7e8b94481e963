/**
 * The core, loaded on first use. Its validation library alone costs more to import than the rest of the
 * plugin; a config that imports the plugin on every run (watch mode, unsharded runs) must not pay that
 * up front. The reporter starts the import when the test run starts, so it overlaps with the tests.
 */
type Core = typeof import('@shardwise/core');

let loading: Promise<Core> | undefined;

/** The whole core (`partition`, the store, reports); the first call starts the import. */
export function loadCore(): Promise<Core> {
  return (loading ??= import('@shardwise/core'));
}

/** Starts loading the core without waiting; a failure surfaces where {@link loadCore} is awaited. */
export function prefetchCore(): void {
  loadCore().catch(() => {});
}
