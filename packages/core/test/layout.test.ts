import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';

const SRC = path.join(import.meta.dirname, '../src');

/** Every module of core's source and the core modules it imports (relative imports, type-only included). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const entry of readdirSync(SRC, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const file = path.join(entry.parentPath, entry.name);
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)].map((m) =>
      path.relative(SRC, path.resolve(path.dirname(file), m[1]!)),
    );
    graph.set(path.relative(SRC, file).slice(0, -3), targets);
  }
  return graph;
}

/** The first import cycle found, as the modules around it, or undefined. */
function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'open') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

describe("core's layout", () => {
  const graph = importGraph();

  test('every module lives in a pipeline folder, and every import resolves to a module', () => {
    for (const [module, targets] of graph) {
      expect(module).toMatch(/^(base|formats|model|plan|record|learn|render|io|queue|kit|public)\/[a-z-]+$/);
      for (const target of targets) expect(graph.has(target), `${module} imports ${target}`).toBe(true);
    }
  });

  test('has no import cycle', () => {
    expect(findCycle(graph)).toBeUndefined();
  });

  test('the cycle check finds a cycle when there is one', () => {
    const looped = new Map(graph);
    looped.set('base/errors', [...(graph.get('base/errors') ?? []), 'public/index']);
    expect(findCycle(looped)).toEqual(expect.arrayContaining(['base/errors', 'public/index']));
  });
});
