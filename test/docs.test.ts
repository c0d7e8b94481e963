/**
 * The READMEs are the product's front door and its reference: what they show must be what the code does,
 * and what they link must be there.
 *
 * - The demo: the root README shows `npm run demo`'s fingerprint line, and the CLI README's sample of
 *   `shard plan --compare` is that command's output, byte for byte.
 * - Links: every relative link of every README names a file of the tree, and every `#anchor` a heading or
 *   an `<a id>` of its target.
 * - YAML lives only in examples/ci, where test/ci-files.test.ts runs it; READMEs link to it.
 * - Each plugin's options table is marked for generation from core's settings table.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '..');
const bin = path.join(repo, 'packages/cli/dist/bin.js');

const readmes = [
  'README.md',
  ...readdirSync(path.join(repo, 'packages')).map((p) => `packages/${p}/README.md`),
  ...readdirSync(path.join(repo, 'examples')).map((e) => `examples/${e}/README.md`),
].filter((file) => existsSync(path.join(repo, file)));
const read = (file: string) => readFileSync(path.join(repo, file), 'utf8');

/** `shard ARGS…` as a user runs it in `cwd`, without colour. */
function shard(cwd: string, ...args: string[]): string {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const key of Object.keys(env))
    if (/^(SHARDWISE_|GITHUB_|CI_NODE|CIRCLE_NODE)/.test(key)) delete env[key];
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, env, encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
}

describe('the demo in the READMEs', () => {
  it("the root README shows `npm run demo`'s fingerprint line", () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: { demo: string } }).scripts;
    expect(scripts.demo).toBe('shard plan --root examples/jest-basic --shards 3 --compare');
    const first = shard(repo, ...scripts.demo.split(' ').slice(1)).split('\n')[0]!;
    expect(first).toMatch(/^32 test files in 3 shards {2}fingerprint [0-9a-f]{16}$/);
    expect(read('README.md')).toContain(`\n${first}\n`);
  });

  it("the CLI README's `shard plan --compare` sample is that command's output", () => {
    const command = '$ cd examples/jest-basic && npx shard plan --shards 3 --compare\n';
    const text = read('packages/cli/README.md');
    const start = text.indexOf(command);
    expect(start).toBeGreaterThan(0);
    const sample = text.slice(start + command.length, text.indexOf('```', start));
    expect(sample).toBe(shard(path.join(repo, 'examples/jest-basic'), 'plan', '--shards', '3', '--compare'));
  });
});

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replaceAll(' ', '-');
}

function anchorsOf(markdown: string): Set<string> {
  const outside = markdown.replace(/^```[\s\S]*?^```/gm, '');
  const headings = [...outside.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!));
  const ids = [...outside.matchAll(/<a id="([^"]+)"><\/a>/g)].map((m) => m[1]!);
  return new Set([...headings, ...ids]);
}

describe.each(readmes)('%s', (file) => {
  const text = read(file);

  it('links only to files of the tree, and to anchors their targets have', () => {
    const outside = text.replace(/^```[\s\S]*?^```/gm, '');
    const links = [...outside.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(0);
    for (const link of links.filter((l) => !/^[a-z]+:/.test(l))) {
      const [target, anchor] = link.split('#') as [string, string | undefined];
      const resolved =
        target === '' ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), target));
      // A README may announce a package that is being added beside it; its link is checked once it exists.
      const pkg = /^packages\/[^/]+/.exec(resolved)?.[0];
      if (pkg !== undefined && !existsSync(path.join(repo, pkg))) continue;
      expect(existsSync(path.join(repo, resolved)), `${file}: ${link}`).toBe(true);
      if (anchor !== undefined) {
        expect(anchorsOf(read(resolved)).has(anchor), `${file}: ${link}`).toBe(true);
      }
    }
  });

  it('holds no YAML: CI files live in examples/ci, where the tests run them', () => {
    expect(text).not.toMatch(/^```ya?ml/m);
  });
});

describe.each(['jest', 'vitest', 'playwright'])('the %s plugin README', (runner) => {
  it('marks its options table for generation from the settings table', () => {
    const text = read(`packages/${runner}-plugin/README.md`);
    const start = text.indexOf(`<!-- settings:${runner} -->`);
    const end = text.indexOf('<!-- /settings -->', start);
    expect(start).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);
    expect(text.slice(start, end)).toMatch(/\n\| `timings` +\|/);
  });
});
