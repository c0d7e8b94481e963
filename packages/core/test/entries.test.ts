import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// What each public entry loads, read from the built `dist/` as Node loads it: every static `import` and
// `export … from`, followed through the package's own files (a dynamic `import()` is loaded on first use,
// not with the entry). Runner plugins load `light` with every test run's config, and `shard files` loads
// `planning` in every CI job: neither may load a module it does not need.

const packages = path.resolve(import.meta.dirname, '../..');
const dist = path.join(packages, 'core/dist');

/**
 * The files of its own package an entry loads, the bare specifiers it imports, and what its files import
 * on first use (`import('…')`: bare specifiers as written, the package's own files by path).
 */
function closure(entry: string): { files: Set<string>; external: Set<string>; later: Set<string> } {
  const files = new Set<string>();
  const external = new Set<string>();
  const later = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    // Comments may name modules (`import('@shardwise/core')` in a doc): only code counts.
    const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
    for (const m of text.matchAll(/^\s*(?:import|export)\s(?:[^'"]*?\sfrom\s)?\s*['"]([^'"]+)['"]/gm)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) visit(path.resolve(path.dirname(file), spec));
      else external.add(spec);
    }
    for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) {
      const spec = m[1]!;
      later.add(spec.startsWith('.') ? path.resolve(path.dirname(file), spec) : spec);
    }
  };
  visit(entry);
  return { files, external, later };
}

/** A module's name without its folder, so the test reads the same after modules move between folders. */
const names = (files: Set<string>) => new Set([...files].map((f) => path.basename(f, '.js')));

/** What the whole core loads: every module a lighter entry leaves out must be in it, under that name. */
const everything = names(closure(path.join(dist, 'public/index.js')).files);

/** Modules each entry must not load: planning, merging, importing, the flaky history and its reader. */
const PLANNER = ['build-plan', 'partition', 'split-choice', 'run-inputs', 'store-file', 'plan-file'];
const MERGE = [
  'merge',
  'exactly-once',
  'shard-summary',
  'flaky',
  'report-parse',
  'report-files',
  'file-lock',
];
const IMPORTERS = ['junit-import', 'runner-json'];
const RUN_END = ['run-kit', 'report-build', 'quarantine-run', 'code-identity', 'job-clock'];

describe.each([
  { entry: 'light.js', without: [...PLANNER, ...MERGE, ...IMPORTERS] },
  { entry: 'planning.js', without: [...MERGE, ...IMPORTERS, ...RUN_END] },
])('the $entry entry', ({ entry, without }) => {
  const { files, external } = closure(path.join(dist, 'public', entry));

  it('loads no dependency: only Node built-ins (zod and the rest load on first use)', () => {
    expect([...external].filter((spec) => !spec.startsWith('node:'))).toEqual([]);
  });

  it.each(without)('does not load %s', (name) => {
    expect(everything.has(name), `${name} is not a module of the core any more: update this test`).toBe(true);
    expect(names(files).has(name)).toBe(false);
  });
});

it('the light entry loads the planner on first use, and nothing of the merge with it', () => {
  const { later } = closure(path.join(dist, 'public/light.js'));
  const loaded = new Set<string>();
  for (const file of later) for (const f of closure(file).files) loaded.add(f);
  expect(names(loaded).has('build-plan')).toBe(true);
  for (const name of [...MERGE, ...IMPORTERS]) expect(names(loaded).has(name), name).toBe(false);
});

describe.each(['jest-plugin', 'vitest-plugin', 'playwright-plugin'])('the %s', (plugin) => {
  it('loads the light entry of the core, and at most the planning entry on first use', () => {
    const { external, later } = closure(path.join(packages, plugin, 'dist/index.js'));
    const core = (specs: Set<string>) => [...specs].filter((spec) => spec.startsWith('@shardwise/core'));
    expect(core(external)).toEqual(['@shardwise/core/light']);
    for (const spec of core(later))
      expect(['@shardwise/core/light', '@shardwise/core/planning']).toContain(spec);
  });
});
