import { describe, expect, it } from 'vitest';
import { supportsPreprocess, tooOldError } from '../src/version.js';

describe('supportsPreprocess', () => {
  it.each([
    { version: '1.61.1', ok: false },
    { version: '1.61.0-alpha-2026-06-01', ok: false },
    { version: '1.9.0', ok: false },
    { version: '0.99.0', ok: false },
    { version: '1.62.0', ok: true },
    { version: '1.62.0-next', ok: true },
    { version: '1.65.1', ok: true },
    { version: '1.100.0', ok: true },
    { version: '2.0.0', ok: true },
    { version: 'unknown', ok: true },
  ])('$version → $ok', ({ version, ok }) => {
    expect(supportsPreprocess(version)).toBe(ok);
  });

  it('the error names the version needed, the one found, and both ways out', () => {
    const error = tooOldError('1.60.0');
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toBe(
      '@shardwise/playwright needs Playwright 1.62 or newer (Reporter.preprocess), this is 1.60.0',
    );
    expect(error.hint).toEqual({ kind: 'text', text: expect.stringContaining('npx shard run --shard I/N') });
  });
});
