import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importJUnit, ShardwiseError } from '../src/public/index.js';

const fixture = (name: string) => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');
const summary = (xml: string, options = {}) =>
  importJUnit(xml, options).files.map((f) => ({ file: f.file, ms: f.durationMs, status: f.status }));

function junitError(xml: string): ShardwiseError {
  try {
    importJUnit(xml, { source: 'junit.xml' });
  } catch (error) {
    if (error instanceof ShardwiseError) return error;
    throw error;
  }
  throw new Error('expected importJUnit to throw');
}

describe('importJUnit', () => {
  it('jest-junit: the testcase file attribute, suite time (setup included) for the file', () => {
    const report = importJUnit(fixture('jest-junit.xml'));
    expect(report).toMatchObject({ format: 'shardwise-report', version: 1, runner: 'junit' });
    expect(summary(fixture('jest-junit.xml'))).toEqual([
      { file: 'src/math.test.js', ms: 594, status: 'passed' },
      { file: 'src/fail.test.js', ms: 311, status: 'failed' },
    ]);
    expect(report.files[0]!.tests).toEqual([
      { name: 'math adds', durationMs: 6, status: 'passed' },
      { name: 'math waits', durationMs: 122, status: 'passed' },
      { name: 'math skipped one', durationMs: 0, status: 'skipped' },
    ]);
  });

  it('Vitest junit with addFileAttribute (real output of vitest 4.1)', () => {
    expect(summary(fixture('vitest-junit-file.xml'))).toEqual([
      { file: 'src/broken.test.js', ms: 0, status: 'failed' },
      { file: 'src/fail.test.js', ms: 13, status: 'failed' },
      { file: 'src/math.test.js', ms: 128, status: 'passed' },
    ]);
    expect(importJUnit(fixture('vitest-junit-file.xml')).files[2]!.tests!.map((t) => t.name)).toEqual([
      'math > adds',
      'math > waits',
      'math > skipped one',
    ]);
  });

  it('Vitest junit without the file attribute: the suite name is the path', () => {
    expect(summary(fixture('vitest-junit.xml'))).toEqual([
      { file: 'src/broken.test.js', ms: 0, status: 'failed' },
      { file: 'src/fail.test.js', ms: 12, status: 'failed' },
      { file: 'src/math.test.js', ms: 127, status: 'passed' },
    ]);
  });

  it('filepath attributes on cases or suites, normalized', () => {
    expect(summary(fixture('filepath.xml'))).toEqual([
      { file: 'spec/checkout_spec.rb', ms: 2500, status: 'passed' },
      { file: 'spec/cart_spec.rb', ms: 500, status: 'passed' },
    ]);
  });

  it('nested testsuites: the outermost suite of a file counts once; errors are failures', () => {
    expect(summary(fixture('nested.xml'))).toEqual([
      { file: 'tests/test_api.py', ms: 3500, status: 'passed' },
      { file: 'tests/test_db.py', ms: 5500, status: 'failed' },
    ]);
  });

  it.each([
    { name: 'seconds to ms', time: '1.2345', ms: 1235 },
    { name: 'integer seconds', time: '3', ms: 3000 },
    { name: 'thousands separator', time: '1,234.5', ms: 1_234_500 },
    { name: 'missing', time: undefined, ms: 0 },
    { name: 'seven days exactly', time: '604800', ms: 604_800_000 },
  ])('time: $name', ({ time, ms }) => {
    const t = time === undefined ? '' : ` time="${time}"`;
    const xml = `<testsuite name="x"><testcase name="t" file="a.test.ts"${t}/></testsuite>`;
    expect(summary(xml)).toEqual([{ file: 'a.test.ts', ms, status: 'passed' }]);
  });

  it.each([
    { name: 'negative', time: '-5' },
    { name: 'not a number', time: 'abc' },
    { name: 'more than 7 days', time: '604801' },
  ])('time: $name is an error naming the file and the element, never a stored 0', ({ time }) => {
    const error = junitError(
      `<testsuite name="x"><testcase name="t" file="a.test.ts" time="${time}"/></testsuite>`,
    );
    expect(error.code).toBe('REPORT_SCHEMA');
    expect(error.message).toBe(
      `junit.xml: <testcase name="t">: time=${JSON.stringify(time)} is not a duration (expected seconds from 0 to 604800, i.e. 7 days)`,
    );
  });

  it.each([
    {
      name: 'all skipped',
      cases: '<testcase name="a"><skipped/></testcase><testcase name="b"><skipped/></testcase>',
      status: 'skipped',
    },
    {
      name: 'one failure',
      cases: '<testcase name="a"/><testcase name="b"><failure/></testcase>',
      status: 'failed',
    },
    { name: 'one error', cases: '<testcase name="a"><error message="x"/></testcase>', status: 'failed' },
    {
      name: 'some skipped',
      cases: '<testcase name="a"/><testcase name="b"><skipped/></testcase>',
      status: 'passed',
    },
  ])('status: $name', ({ cases, status }) => {
    const xml = `<testsuites><testsuite name="src/a.test.ts" time="1">${cases}</testsuite></testsuites>`;
    expect(summary(xml)[0]!.status).toBe(status);
  });

  it('makes absolute paths relative to the root', () => {
    const xml =
      '<testsuite name="x"><testcase name="t" file="/home/ci/project/src/a.test.ts" time="1"/></testsuite>';
    expect(summary(xml, { root: '/home/ci/project' })).toEqual([
      { file: 'src/a.test.ts', ms: 1000, status: 'passed' },
    ]);
  });

  it('ignores cases with no file to attribute them to', () => {
    const xml =
      '<testsuite name="Some title"><testcase name="t" classname="Some class" time="1"/></testsuite>';
    expect(summary(xml)).toEqual([]);
  });

  // Refused on sight, before the parser sees it: a malformed body behind the declaration is never reached.
  it.each([
    { name: 'a billion-laughs file', xml: fixture('billion-laughs.xml') },
    { name: 'a DOCTYPE before XML that would not parse', xml: '<!DOCTYPE x>\n<testsuites><testsuite' },
    { name: 'a lower-case ENTITY without a DOCTYPE', xml: '<testsuites><!entity a "b"></testsuites>' },
  ])('$name is refused before parsing, so no entity expands: XML_UNSAFE', ({ xml }) => {
    const error = junitError(xml);
    expect(error.code).toBe('XML_UNSAFE');
    expect(error.message).toMatch(/^junit\.xml: has a DOCTYPE or ENTITY declaration/);
    expect(error.cause).toBeUndefined();
  });

  it.each([
    {
      name: 'an unclosed tag',
      xml: '<testsuites><testsuite name="a"><testcase></testsuite>',
      message: 'junit.xml: invalid XML at line 1, column 43: Expected closing tag',
      // The root never closes, as when a writer is cut off.
      truncated: true,
    },
    { name: 'not XML', xml: 'not xml at all', message: 'junit.xml: invalid XML at line 1, column 1:' },
    { name: 'an empty file', xml: '', message: 'junit.xml: invalid XML', truncated: true },
    {
      name: 'a mismatched tag inside a closed root',
      xml: '<testsuites><testsuite name="a"><testcase></testsuite></testsuites>',
      message: 'junit.xml: invalid XML',
    },
    {
      name: 'truncated',
      xml: '<testsuites>\n  <testsuite name="a">\n    <testcase name="x" time="1',
      message: 'junit.xml: invalid XML at line 3',
      truncated: true,
    },
    {
      name: 'cut after a complete test case',
      xml: '<testsuites><testsuite name="a"><testcase name="x" time="1"/>',
      message: 'junit.xml: invalid XML',
      truncated: true,
    },
  ])(
    'invalid XML: $name',
    ({ xml, message, truncated }: { xml: string; message: string; truncated?: boolean }) => {
      const error = junitError(xml);
      expect(error.code).toBe('REPORT_SYNTAX');
      expect(error.message).toContain(message);
      expect(error.message.endsWith('(the file looks truncated)')).toBe(truncated === true);
      expect(error.message).not.toContain('\n');
    },
  );

  it('other XML is not a JUnit report', () => {
    const error = junitError('<?xml version="1.0"?><coverage line-rate="1"/>');
    expect(error.code).toBe('REPORT_SCHEMA');
    expect(error.message).toBe('junit.xml: not a JUnit report (no <testsuites> or <testsuite> element)');
  });
});
