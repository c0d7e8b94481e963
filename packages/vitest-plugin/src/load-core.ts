/**
 * The whole core, loaded on first use: only planning needs it (its validation library, for the store,
 * costs more to import than everything else the plugin loads). Config loading, unsharded runs and the
 * reporter use `@shardwise/core/light`, which loads no dependencies.
 */
type Core = typeof import('@shardwise/core');

let loading: Promise<Core> | undefined;

/** The whole core (`partition`, the store, reports); the first call starts the import. */
export function loadCore(): Promise<Core> {
  return (loading ??= import('@shardwise/core'));
}
