import { createRequire } from 'node:module';
import type { XMLParser as XMLParserClass } from 'fast-xml-parser';
import { ShardwiseError } from '../base/errors.js';
import { normalizePath } from '../base/paths.js';
import type { FileStatus, ReportedFile, RunReport } from '../formats/report.js';
import { MAX_DURATION_MS, REPORT_FORMAT } from '../formats/report.js';
import type { TestStatus, TestTiming } from '../formats/records.js';

type Node = Record<string, unknown>;

// Loaded on first use, not at import: `@shardwise/core` is imported by every `shard` command and by the
// runner plugins, and only JUnit import needs the XML parser (~50 ms to load).
let XMLParser: typeof XMLParserClass | undefined;
function xmlParser(): typeof XMLParserClass {
  XMLParser ??= (createRequire(import.meta.url)('fast-xml-parser') as { XMLParser: typeof XMLParserClass })
    .XMLParser;
  return XMLParser;
}

/** Looks like a test file path rather than a describe title: used for suite names and classnames. */
const PATH_LIKE = /[/\\]|\.(?:[cm]?[jt]sx?|rb|py|go|java|php|cs)$/;

/**
 * Parses JUnit XML into a report. The file of each test case is, in order: the testcase `file` attribute
 * (jest-junit and Vitest's junit reporter with `addFileAttribute`), its `filepath` attribute, the same on
 * the enclosing testsuite, then a testsuite name or classname that looks like a path. Nested testsuites
 * are walked; `time` is in seconds. A file's duration is the larger of its suite's `time` and the sum of
 * its cases. Document type declarations are rejected before parsing, so no entity can expand.
 */
export function importJUnit(xml: string, options: { root?: string; source?: string } = {}): RunReport {
  const source = options.source ?? 'JUnit report';
  currentSource = source;
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
    throw new ShardwiseError(
      'XML_UNSAFE',
      `${source}: has a DOCTYPE or ENTITY declaration; JUnit reports never need one and entity expansion is refused (a "billion laughs" file would exhaust memory)`,
    );
  }
  let doc: Node;
  try {
    const parser = new (xmlParser())({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      parseAttributeValue: false,
      parseTagValue: false,
      isArray: (name) => name === 'testsuite' || name === 'testcase' || name === 'testsuites',
      processEntities: true,
      htmlEntities: false,
    });
    doc = parser.parse(xml, true) as Node;
  } catch (error) {
    throw new ShardwiseError('REPORT_SYNTAX', `${source}: invalid XML ${describeXmlError(error, xml)}`, {
      cause: error,
    });
  }
  const files = new Map<string, { suiteMs: number; caseMs: number; tests: TestTiming[] }>();
  const toKey = (p: string) => normalizePath(p, options.root);

  // `inherited` is the file key of the nearest enclosing suite that names one.
  const visitSuite = (suite: Node, inherited: string | undefined): void => {
    const named = attr(suite, 'file') ?? attr(suite, 'filepath') ?? pathLike(attr(suite, 'name'));
    const suiteKey = named !== undefined ? toKey(named) : inherited;
    const cases = asArray(suite['testcase']);
    const caseKeys = new Set<string>();
    for (const tc of cases) {
      const own = attr(tc, 'file') ?? attr(tc, 'filepath');
      const file = own ?? (suiteKey === undefined ? pathLike(attr(tc, 'classname')) : undefined);
      const key = file !== undefined ? toKey(file) : suiteKey;
      if (key === undefined) continue;
      caseKeys.add(key);
      const entry = entryFor(files, key);
      const ms = seconds(attr(tc, 'time'), () => `<testcase name=${JSON.stringify(attr(tc, 'name') ?? '')}>`);
      entry.caseMs += ms;
      entry.tests.push({ name: testName(tc), durationMs: ms, status: caseStatus(tc) });
    }
    // A suite's own time includes the file's setup, so it counts for the file when the suite is one file:
    // all its cases ran in that file (jest-junit names suites after a describe block, and puts the file on
    // each case), or it has no cases and names a file. Only the outermost suite of a file counts: a nested
    // suite's time is already part of its parent's.
    const timeKey = caseKeys.size === 1 ? [...caseKeys][0] : cases.length === 0 ? suiteKey : undefined;
    if (timeKey !== undefined && timeKey !== inherited) {
      entryFor(files, timeKey).suiteMs += seconds(
        attr(suite, 'time'),
        () => `<testsuite name=${JSON.stringify(attr(suite, 'name') ?? '')}>`,
      );
    }
    for (const child of asArray(suite['testsuite'])) visitSuite(child, suiteKey);
  };
  for (const top of asArray(doc['testsuites']))
    for (const suite of asArray(top['testsuite'])) visitSuite(suite, undefined);
  for (const suite of asArray(doc['testsuite'])) visitSuite(suite, undefined);

  if (!('testsuites' in doc) && !('testsuite' in doc)) {
    throw new ShardwiseError(
      'REPORT_SCHEMA',
      `${source}: not a JUnit report (no <testsuites> or <testsuite> element)`,
    );
  }
  const reported: ReportedFile[] = [...files].map(([file, e]) => ({
    file,
    durationMs: Math.max(e.suiteMs, e.caseMs),
    status: fileStatus(e.tests.map((t) => t.status)),
    tests: e.tests,
  }));
  return { format: REPORT_FORMAT, version: 1, runner: 'junit', files: reported };
}

/** fast-xml-parser's validator throws `message:line:column`; say it as `at line L, column C: message`. */
function describeXmlError(error: unknown, xml: string): string {
  const text = String((error as Error)?.message ?? error).split('\n')[0]!;
  const m = /^(.*?)\.?:(\d+|undefined):(\d+|undefined)$/.exec(text);
  const cut = looksTruncated(xml) ? ' (the file looks truncated)' : '';
  if (!m) return `(${text})${cut}`;
  const [, message, line, column] = m;
  if (line === 'undefined') return `(${message})${cut}`;
  return `at line ${line}${column === 'undefined' ? '' : `, column ${column}`}: ${message}${cut}`;
}

/**
 * Whether the document stops before its root element closes: a writer cut off (a killed job, a full disk)
 * leaves exactly that, whatever error the parser reports first.
 */
function looksTruncated(xml: string): boolean {
  const body = xml.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->/g, '').trim();
  const root = /^<([A-Za-z_][\w.-]*)/.exec(body);
  if (!root) return body === '';
  // Closed by its end tag, or a lone empty root (`<testsuites/>`).
  return !body.endsWith(`</${root[1]}>`) && !/^<[^<>]*\/>$/.test(body);
}

/**
 * `classname > name`, leaving out a classname that is a file path or repeats the name (jest-junit writes
 * `{classname} {title}` into both by default).
 */
function testName(tc: Node): string {
  const name = attr(tc, 'name')?.trim() ?? '';
  const classname = attr(tc, 'classname')?.trim();
  if (!classname || classname === name || PATH_LIKE.test(classname)) return name;
  return name ? `${classname} > ${name}` : classname;
}

function entryFor(files: Map<string, { suiteMs: number; caseMs: number; tests: TestTiming[] }>, key: string) {
  let entry = files.get(key);
  if (!entry) files.set(key, (entry = { suiteMs: 0, caseMs: 0, tests: [] }));
  return entry;
}

function attr(node: Node, name: string): string | undefined {
  const value = node[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function pathLike(value: string | undefined): string | undefined {
  return value && PATH_LIKE.test(value) && !/\s>\s/.test(value) ? value : undefined;
}

function asArray(value: unknown): Node[] {
  if (Array.isArray(value)) return value.filter((v): v is Node => v !== null && typeof v === 'object');
  return value !== null && typeof value === 'object' ? [value as Node] : [];
}

/**
 * A `time` attribute (seconds) in ms. Missing is 0; anything that is not a duration (`-5`, `abc`, more
 * than 7 days) is an error naming the element, never a stored 0.
 */
function seconds(text: string | undefined, where: () => string): number {
  if (text === undefined) return 0;
  const trimmed = text.trim().replaceAll(',', '');
  const value = trimmed === '' ? NaN : Number(trimmed);
  const ms = Math.round(value * 1000);
  if (!Number.isFinite(value) || value < 0 || ms > MAX_DURATION_MS) {
    throw new ShardwiseError(
      'REPORT_SCHEMA',
      `${currentSource}: ${where()}: time=${JSON.stringify(text)} is not a duration (expected seconds from 0 to 604800, i.e. 7 days)`,
      { file: currentSource },
    );
  }
  return ms;
}

/** The report being imported, for errors raised deep in the walk (imports are synchronous, one at a time). */
let currentSource = 'JUnit report';

function caseStatus(tc: Node): TestStatus {
  if ('failure' in tc || 'error' in tc) return 'failed';
  if ('skipped' in tc) return 'skipped';
  return 'passed';
}

/** A file failed if any test failed, was skipped if every test was, and passed otherwise. */
export function fileStatus(statuses: readonly TestStatus[]): FileStatus {
  if (statuses.includes('failed')) return 'failed';
  if (statuses.length > 0 && statuses.every((s) => s === 'skipped')) return 'skipped';
  return 'passed';
}
