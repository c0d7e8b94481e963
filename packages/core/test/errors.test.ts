import { describe, expect, it } from 'vitest';
import {
  describeHint,
  EXIT_CODES,
  exitCodeOf,
  formatError,
  readError,
  ShardwiseError,
  writeError,
  type ShardwiseErrorCode,
} from '../src/base/errors.js';

describe('one table of exit codes', () => {
  it.each<[ShardwiseErrorCode, number]>([
    ['INVALID_SHARD', 2],
    ['INVALID_OPTION', 2],
    ['NOT_FOUND', 2],
    ['STORE_SYNTAX', 2],
    ['STORE_SCHEMA', 2],
    ['REPORT_SYNTAX', 2],
    ['REPORT_SCHEMA', 2],
    ['XML_UNSAFE', 2],
    ['PLAN_INVALID', 2],
    ['PLAN_MISMATCH', 2],
    ['NO_TEST_FILES', 2],
    ['COMMAND_NOT_FOUND', 2],
    ['COMMAND_TOO_LONG', 2],
    ['FILE_LIST_INVALID', 2],
    ['COMMAND_FAILED', 3],
    ['READ_FAILED', 3],
    ['WRITE_FAILED', 3],
  ])('%s → exit %i', (code, exit) => {
    expect(exitCodeOf(new ShardwiseError(code, 'x'))).toBe(exit);
  });

  it('anything else is a bug: exit 70', () => {
    expect(exitCodeOf(new Error('boom'))).toBe(EXIT_CODES.internal);
    expect(EXIT_CODES).toEqual({ ok: 0, checkFailed: 1, input: 2, environment: 3, internal: 70 });
  });
});

describe('I/O failures are classified by cause', () => {
  const errno = (code: string) => Object.assign(new Error(`${code}: failed`), { code });
  it.each([
    ['ENOENT', 'NOT_FOUND', 2],
    ['EISDIR', 'INVALID_OPTION', 2],
    ['EACCES', 'READ_FAILED', 3],
    ['EIO', 'READ_FAILED', 3],
  ] as const)('reading, %s → %s (exit %i)', (cause, code, exit) => {
    const error = readError('f.json', errno(cause), 'timing store');
    expect(error.code).toBe(code);
    expect(exitCodeOf(error)).toBe(exit);
    expect(error.file).toBe('f.json');
  });

  it.each(['ENOSPC', 'EACCES', 'EROFS'])('writing, %s → WRITE_FAILED (exit 3), naming the file', (cause) => {
    const error = writeError('out.json', errno(cause));
    expect(error.code).toBe('WRITE_FAILED');
    expect(exitCodeOf(error)).toBe(EXIT_CODES.environment);
    expect(error.message).toBe(`out.json: cannot write (${cause}: failed)`);
  });
});

describe('hints are data, worded by each front end', () => {
  it('the neutral wording names no flag', () => {
    for (const kind of ['store', 'upgrade', 'plan', 'replan', 'patterns', 'report'] as const) {
      expect(describeHint({ kind })).not.toMatch(/--no-timings|--root/);
    }
  });

  it('a front end words the hints it knows better', () => {
    const error = new ShardwiseError('STORE_SYNTAX', 's.json: invalid JSON', { hint: { kind: 'store' } });
    expect(formatError(error)).toBe('s.json: invalid JSON; fix it, or delete it to plan by estimate');
    expect(formatError(error, (h) => (h.kind === 'store' ? 'pass --no-timings' : undefined))).toBe(
      's.json: invalid JSON; pass --no-timings',
    );
  });
});
