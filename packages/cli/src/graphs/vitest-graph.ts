// @internal: run as a script (`node vitest-graph.js`) in the project's root by `shard plan --changed`.
/**
 * Asks the project's own Vitest, through its Node API, which test files depend on the changed files: the
 * same graph `vitest related` and `vitest --changed` follow. Reads `{ changed: absolute paths }` as JSON on
 * stdin; prints `{ tests, related, setupFiles }` as JSON on stdout, test files in the shape of
 * `vitest list --filesOnly --json` (`{ file, projectName }`). Loads the project's Vitest, never ours.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TestSpecification, Vitest } from 'vitest/node';

interface Input {
  changed: string[];
}

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Input;
  const root = process.cwd();
  const entry = createRequire(path.join(root, 'package.json')).resolve('vitest/node');
  const { createVitest } = (await import(pathToFileURL(entry).href)) as typeof import('vitest/node');
  // No watcher, no run, no output of Vitest's own: only the config, the files and the module graph.
  const vitest: Vitest = await createVitest('test', { watch: false, run: true, reporters: [] });
  try {
    const all = await vitest.globTestSpecifications();
    // `related` is what `vitest related FILES` sets: the specifications whose module graph reaches a file.
    vitest.config.related = input.changed;
    const related = input.changed.length === 0 ? [] : await vitest.getRelevantTestSpecifications();
    const setupFiles = new Set<string>();
    for (const project of vitest.projects) {
      for (const file of [...project.config.setupFiles, ...toArray(project.config.globalSetup)])
        setupFiles.add(file);
    }
    const shape = (specs: TestSpecification[]) =>
      [...new Map(specs.map((s) => [`${s.project.name}\0${s.moduleId}`, s])).values()].map((s) => ({
        file: s.moduleId,
        projectName: s.project.name,
      }));
    process.stdout.write(
      JSON.stringify({ tests: shape(all), related: shape(related), setupFiles: [...setupFiles] }) + '\n',
    );
  } finally {
    await vitest.close();
  }
}

function toArray(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
