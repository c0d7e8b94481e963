import { describe, expect, it } from 'vitest';
import { DEFAULT_UNKNOWN_MS, estimateUnknownMs, estimatorName, parseEstimator } from '../src/public/index.js';

describe('estimateUnknownMs', () => {
  it.each([
    { name: 'mean of nothing', known: [], estimator: 'mean' as const, expected: DEFAULT_UNKNOWN_MS },
    { name: 'median of nothing', known: [], estimator: 'median' as const, expected: DEFAULT_UNKNOWN_MS },
    { name: 'mean rounds half up', known: [1, 2], estimator: 'mean' as const, expected: 2 },
    { name: 'mean', known: [100, 200, 600], estimator: 'mean' as const, expected: 300 },
    { name: 'median, odd count', known: [5, 1, 9], estimator: 'median' as const, expected: 5 },
    { name: 'median, even count: lower', known: [4, 1, 9, 7], estimator: 'median' as const, expected: 4 },
    { name: 'p90 of ten', known: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], estimator: 'p90' as const, expected: 9 },
    { name: 'p90 of one', known: [42], estimator: 'p90' as const, expected: 42 },
    { name: 'zeros are known', known: [0, 0], estimator: 'mean' as const, expected: 0 },
    { name: 'fixed ignores the data', known: [1, 2], estimator: { fixedMs: 7 }, expected: 7 },
  ])('$name', ({ known, estimator, expected }) => {
    expect(estimateUnknownMs(known, estimator)).toBe(expected);
  });
});

describe('parseEstimator', () => {
  it.each([
    { text: 'mean', expected: 'mean' },
    { text: 'median', expected: 'median' },
    { text: 'p90', expected: 'p90' },
    { text: '1500', expected: { fixedMs: 1500 } },
    { text: '0', expected: { fixedMs: 0 } },
  ])('$text', ({ text, expected }) => {
    expect(parseEstimator(text)).toEqual(expected);
  });

  it.each(['avg', '-5', '1.5', '', 'P90'])('rejects "%s"', (text) => {
    expect(() => parseEstimator(text)).toThrow(/--estimator: expected mean, median, p90 or a whole number/);
  });

  it('names every estimator distinctly (they are part of the fingerprint)', () => {
    const names = ['mean', 'median', 'p90', { fixedMs: 1 }, { fixedMs: 2 }].map((e) =>
      estimatorName(e as Parameters<typeof estimatorName>[0]),
    );
    expect(new Set(names).size).toBe(names.length);
  });
});
