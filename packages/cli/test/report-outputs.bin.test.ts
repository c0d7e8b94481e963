/// <reference lib="dom" />
/**
 * The run's reports for people and CI systems: `shard merge --html --junit --markdown` and `shard report`,
 * through the built bin. The HTML opens in a real headless Chromium (Debian's `chromium`), with JavaScript
 * off for the essentials; the JUnit XML is validated by `xmllint` against Surefire's schema (vendored in
 * fixtures/junit); the Markdown is the step summary, word for word.
 */
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkCoverage,
  describePipeline,
  explainSlowest,
  mergeReports,
  renderHtml,
  summarizeShards,
  type RunReport,
} from '@shardwise/core';
import { removeTempDirs, runBin, tempDir } from './helpers.js';
import { runReports, writeRunReports, type RunShape } from './run-fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const XSD = fileURLToPath(new URL('./fixtures/junit/surefire-test-report-3.0.xsd', import.meta.url));
/** Where the README's screenshot lives; the test rewrites it when SHARDWISE_UPDATE_SCREENSHOT=1. */
const SCREENSHOT = fileURLToPath(new URL('../docs/report.png', import.meta.url));

const SHAPE: RunShape = { jobs: 4, workers: 2, files: 40, failing: 7, flaky: 12, split: true };
const FAILING = 'src/area-0000/unit-7.test.ts';

let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  // Root (as in CI containers) needs --no-sandbox.
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});

afterAll(async () => {
  await browser?.close();
  await removeTempDirs();
});

/** A run with a quarantined failure, a test that passed on a retry, a split file; merged with all outputs. */
async function mergedRun(shape: RunShape = SHAPE, extra: string[] = []) {
  const dir = await tempDir({
    'shard-quarantine.json': JSON.stringify({
      version: 1,
      tests: [
        {
          file: FAILING,
          name: 'works',
          reason: 'races the clock',
          added: '2026-12-01',
          expires: '2099-01-01',
          owner: '@ana',
        },
      ],
    }),
  });
  const reports = await writeRunReports(dir, shape);
  const summary = path.join(dir, 'summary.md');
  const merged = await runBin(
    ['merge', '--html', 'report.html', '--junit', 'merged.xml', '--markdown', 'comment.md', ...extra],
    { cwd: dir, env: { GITHUB_STEP_SUMMARY: summary } },
  );
  return { dir, reports, merged, summary };
}

async function open(file: string, javaScriptEnabled: boolean): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  // Anything the page asks from the network is a bug: the report is one self-contained file.
  const requests: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith('file:')) requests.push(r.url());
  });
  await page.goto(pathToFileURL(file).href);
  expect(requests).toEqual([]);
  return page;
}

/** Units as the proof names them: a piece of a split file is `file (piece i/n)`. */
function units(reports: readonly RunReport[]): string[] {
  return reports
    .flatMap((r) =>
      r.files.map((f) => (f.piece === undefined ? f.file : `${f.file} (piece ${f.piece}/${f.of})`)),
    )
    .sort();
}

describe('shard merge --html (in Chromium)', () => {
  it('draws a lane per job and worker, a bar per file, the markers, with JavaScript off', async () => {
    const { dir, reports, merged } = await mergedRun();
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stderr).toMatch(/^HTML report: report\.html \(\d+(\.\d)? kB\)$/m);
    const page = await open(path.join(dir, 'report.html'), false);

    const jobs = page.locator('.job');
    expect(await jobs.count()).toBe(SHAPE.jobs);
    for (const [i, r] of reports.entries()) {
      const job = jobs.nth(i);
      expect(await job.locator('.jobhead').innerText()).toContain(`shard ${i + 1}/${SHAPE.jobs} · jest`);
      // One lane per worker the job's files name.
      const workers = new Set(r.files.map((f) => f.worker));
      expect(await job.locator('.lane').count()).toBe(workers.size);
      // Its predicted end and its actual end, one marker each, and the lower bound.
      expect(await job.locator('.mark.pred').count()).toBe(1);
      expect(await job.locator('.mark.end').count()).toBe(1);
      expect(await job.locator('.mark.lb').count()).toBe(1);
      // Its start-up before the first file is drawn on every worker's lane.
      expect(await job.locator('.lane .su').count()).toBeGreaterThanOrEqual(workers.size);
    }
    const bars = await page
      .locator('.bar')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-file')!));
    expect(bars.sort()).toEqual(units(reports));
    // Coloured by outcome: the failure red, the retried test's file amber, pieces labelled.
    expect(await page.locator(`.bar.bad[data-file="${FAILING}"]`).count()).toBe(1);
    expect(await page.locator('.bar.flaky[data-file="src/area-0000/unit-12.test.ts"]').count()).toBe(1);
    expect(await page.locator('.bar[data-file="src/big/huge.test.ts (piece 2/2)"]').count()).toBe(1);

    // The slowest job and its reason: the very words the terminal printed.
    const slowest = /^Slowest: (.*)$/m.exec(merged.stdout)![1]!;
    expect(await page.locator('.slowest').innerText()).toBe(`Slowest: ${slowest}`);
    // The proof, the predictions table (a row per shard), the flaky test with its strip and quarantine.
    expect(await page.locator('#proof').innerText()).toContain(
      'Verified: all 40 planned files ran exactly once',
    );
    expect(await page.locator('#predicted tbody tr').count()).toBe(SHAPE.jobs);
    expect(await page.locator('#predicted').innerText()).toMatch(
      /Lower bound: no plan of these files on 4 shard/,
    );
    const flaky = page.locator('#tests tbody tr', { hasText: 'unit-12.test.ts' });
    expect(await flaky.locator('svg.strip rect').count()).toBe(1);
    await page.context().close();
  });

  it('fits 1280×800 without scrolling sideways, is not blank, and the filter dims other files', async () => {
    const { dir } = await mergedRun();
    const page = await open(path.join(dir, 'report.html'), true);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const png = await page.screenshot({ fullPage: false });
    // Count the screenshot's colours in the browser itself: a blank or unstyled page has one or two.
    const colours = await page.evaluate(async (data) => {
      const img = new Image();
      img.src = `data:image/png;base64,${data}`;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const g = canvas.getContext('2d')!;
      g.drawImage(img, 0, 0);
      const px = g.getImageData(0, 0, img.width, img.height).data;
      const seen = new Set<number>();
      let green = 0;
      for (let i = 0; i < px.length; i += 4) {
        seen.add((px[i]! << 16) | (px[i + 1]! << 8) | px[i + 2]!);
        // The passed bars' green (#2da44e).
        if (px[i] === 0x2d && px[i + 1] === 0xa4 && px[i + 2] === 0x4e) green++;
      }
      return { size: [img.width, img.height], distinct: seen.size, green };
    }, png.toString('base64'));
    expect(colours.size).toEqual([1280, 800]);
    expect(colours.distinct).toBeGreaterThan(20);
    expect(colours.green).toBeGreaterThan(1000);
    if (process.env['SHARDWISE_UPDATE_SCREENSHOT'] === '1') await fs.writeFile(SCREENSHOT, png);

    // With JavaScript on, the filter appears and dims every bar but the file asked for.
    await page.locator('#find').fill('unit-12.test');
    expect(await page.locator('.bar:not(.dim)').count()).toBe(1);
    await page.context().close();
  });

  it('names a missing shard’s files in the proof, the comment and the step summary alike', async () => {
    const { dir, reports, merged, summary } = await mergedRun({ ...SHAPE, missingShard: 3 });
    expect(merged.code).toBe(1);
    const missing = runReports(SHAPE)
      .find((r) => r.shard?.index === 3)!
      .files.map((f) => f.file);
    const page = await open(path.join(dir, 'report.html'), false);
    const listed = await page.locator('#proof ul.files li').allInnerTexts();
    expect(listed.sort()).toEqual([...missing].sort());
    expect(await page.locator('.job').count()).toBe(reports.length);
    await page.context().close();
    const comment = await fs.readFile(path.join(dir, 'comment.md'), 'utf8');
    expect(comment).toContain('❌ Coverage check failed:');
    expect(comment).toContain(
      `shard 3/4 sent no report; its ${missing.length} planned file(s) are unverified`,
    );
    for (const f of missing) expect(comment).toContain(f);
    // The step summary is the comment's text.
    expect(await fs.readFile(summary, 'utf8')).toBe(comment + '\n');
  });
});

describe('shard merge --junit and --markdown', () => {
  function xmllint(file: string): Promise<{ code: number; stderr: string }> {
    return new Promise((resolve) => {
      execFile('xmllint', ['--noout', '--schema', XSD, file], (error, _stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }),
      );
    });
  }

  it('writes one JUnit report of every job that the Surefire schema accepts: flaky and quarantined marked', async () => {
    const { dir, merged } = await mergedRun();
    expect(merged.code, merged.stderr).toBe(0);
    const file = path.join(dir, 'merged.xml');
    const validated = await xmllint(file);
    expect(validated.stderr).toContain('merged.xml validates');
    expect(validated.code).toBe(0);
    const xml = await fs.readFile(file, 'utf8');
    // 40 files × 2 tests, and a test in each of the two pieces.
    expect(xml).toMatch(/^<testsuite name="shardwise" tests="82" failures="0" errors="0" skipped="1" /m);
    expect(xml).toContain(
      '<testcase name="retries" classname="src/area-0000/unit-12.test.ts" time="0.134"><flakyFailure type="flaky" message="failed, then passed on a retry (2 attempts)">',
    );
    expect(xml).toContain(
      `<testcase name="works" classname="${FAILING}" time="0.137"><skipped message="failed, quarantined: races the clock; owner @ana; until 2099-01-01"/></testcase>`,
    );

    // The schema check is not vacuous: the same file without the flaky failure's required stack trace fails.
    const broken = path.join(dir, 'broken.xml');
    await fs.writeFile(broken, xml.replace(/<stackTrace>.*?<\/stackTrace>/, ''));
    expect((await xmllint(broken)).code).not.toBe(0);
  });

  it('an expired quarantine no longer covers the failure: it is a failure again, saying so', async () => {
    const { dir } = await mergedRun();
    const q = path.join(dir, 'shard-quarantine.json');
    await fs.writeFile(q, (await fs.readFile(q, 'utf8')).replace('2099-01-01', '2020-01-01'));
    const again = await runBin(['report', '--junit', 'again.xml'], { cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    const xml = await fs.readFile(path.join(dir, 'again.xml'), 'utf8');
    expect(xml).toContain(
      `<testcase name="works" classname="${FAILING}" time="0.137"><failure type="failed" message="failed; its quarantine expired on 2020-01-01"/></testcase>`,
    );
    expect((await xmllint(path.join(dir, 'again.xml'))).code).toBe(0);
  });

  it('the comment is short: wall, balance, the proof, what became flaky; the step summary is the same text', async () => {
    const { dir, summary } = await mergedRun();
    const comment = await fs.readFile(path.join(dir, 'comment.md'), 'utf8');
    expect(comment).toMatch(/^\*\*Wall \d+(\.\d)?s\*\* \(the slowest of 4 job\(s\)\) · balance: jobs took /m);
    expect(comment).toContain('✅ Every planned test file ran exactly once.');
    expect(comment).toContain(
      '⚠️ 1 test(s) became flaky in this run:\n\n- `src/area-0000/unit-12.test.ts` › retries (1 of 1 runs failed; retry)',
    );
    expect(comment.split('\n').length).toBeLessThan(40);
    expect(await fs.readFile(summary, 'utf8')).toBe(comment + '\n');
  });
});

describe('shard report', () => {
  it('writes the outputs from the reports, store and history on disk, and changes none of them', async () => {
    const { dir } = await mergedRun();
    const before = await Promise.all(
      ['shard-timings.json', 'shard-history.json'].map((f) => fs.readFile(path.join(dir, f), 'utf8')),
    );
    const result = await runBin(['report', '--html', 'again.html', '--markdown', 'again.md'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    const after = await Promise.all(
      ['shard-timings.json', 'shard-history.json'].map((f) => fs.readFile(path.join(dir, f), 'utf8')),
    );
    expect(after).toEqual(before);
    const page = await open(path.join(dir, 'again.html'), false);
    expect(await page.locator('.job').count()).toBe(SHAPE.jobs);
    // The history the merge wrote: the retried test, with its run.
    expect(await page.locator('#tests tbody tr', { hasText: 'unit-12.test.ts' }).count()).toBe(1);
    await page.context().close();
  });

  it.each([
    [
      'no output asked for',
      ['report'],
      2,
      'shard report: nothing to write; give --html PATH, --junit PATH or --markdown PATH',
    ],
    ['no reports', ['report', '--html', 'r.html', 'nothing'], 2, 'nothing'],
  ])('%s: one line, exit %i', async (_name, argv, code, words) => {
    const dir = await tempDir({ 'nothing/.keep': '' });
    const result = await runBin(argv, { cwd: dir });
    expect(result.code).toBe(code);
    expect(result.stderr).toContain(words);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('an output that cannot be written is an environment error (exit 3), and leaves no partial file', async () => {
    const { dir } = await mergedRun();
    const before = await fs.readdir(dir);
    // A folder that is a file: no report can be written under it.
    const result = await runBin(['report', '--html', 'shard-timings.json/report.html'], { cwd: dir });
    expect(result.code).toBe(3);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(await fs.readdir(dir)).toEqual(before);
  });
});

describe('a 100,000-file run on 64 jobs', () => {
  it('renders in a few MB, with aggregated bars, and opens in Chromium', async () => {
    const shape: RunShape = { jobs: 64, workers: 4, files: 100_000, failing: 4242, flaky: 777 };
    const reports = runReports(shape);
    const coverage = checkCoverage(reports);
    const merged = mergeReports(undefined, reports);
    const shards = summarizeShards(coverage, reports, undefined);
    const slowest = explainSlowest(shards, reports, merged.machineJobs);
    // Measured, not asserted (the machine is shared): the median of five renders.
    const times: number[] = [];
    let html = '';
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      html = renderHtml(
        describePipeline({
          reports,
          coverage,
          shards,
          slowest,
          before: undefined,
          merged,
          today: '2026-12-08',
        }),
      );
      times.push(performance.now() - started);
    }
    const median = times.sort((a, b) => a - b)[2]!;
    console.log(
      `100,000 files, 64 jobs: HTML of ${(html.length / 1e6).toFixed(2)} MB rendered in ${median.toFixed(0)} ms (median of 5)`,
    );
    expect(Buffer.byteLength(html)).toBeLessThan(5 * 1024 * 1024);
    const dir = await tempDir({ 'big.html': html });
    const page = await open(path.join(dir, 'big.html'), false);
    expect(await page.locator('.job').count()).toBe(64);
    // 256 worker lanes are more than a screen shows: each job's workers share one lane, and the page says so.
    expect(await page.locator('.lane').count()).toBe(64);
    expect(await page.locator('#timeline .note').innerText()).toContain(
      '256 worker lanes: each job’s workers are drawn on one lane.',
    );
    // Beyond what a lane can show, neighbouring files share a bar that says how many it holds.
    const held = await page
      .locator('.bar')
      .evaluateAll((els) => els.reduce((n, e) => n + Number(e.getAttribute('data-files') ?? 1), 0));
    expect(held).toBe(100_000);
    expect(await page.locator('.bar.bad').count()).toBe(1);
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    ).toBeLessThanOrEqual(0);
    await page.context().close();
  });
});
