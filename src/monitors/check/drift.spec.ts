import { describe, expect, it } from 'vitest';
import { driftStat, ksPValue, ksStatistic, logReturns, psi } from './drift';

describe('drift statistics', () => {
  it('PSI of a sample against itself is 0, and grows with a shift', () => {
    const ref = Array.from({ length: 1000 }, (_, i) => i);
    expect(psi(ref, ref)).toBeCloseTo(0, 12);
    expect(
      psi(
        ref,
        ref.map((x) => x + 100),
      ),
    ).toBeGreaterThan(0.05);
    expect(
      psi(
        ref,
        ref.map((x) => x + 500),
      ),
    ).toBeGreaterThan(
      psi(
        ref,
        ref.map((x) => x + 100),
      ),
    );
  });

  it('PSI matches a hand computation', () => {
    // Reference 0..9: decile edges 1..9, one value per bin (p = 0.1 each).
    const ref = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    // Recent: half in bin 0 (value 0), half in bin 9 (value 9); the other 8 bins empty (EPS).
    const recent = [0, 0, 9, 9];
    const eps = 1e-4;
    const expected = 2 * (0.5 - 0.1) * Math.log(0.5 / 0.1) + 8 * (eps - 0.1) * Math.log(eps / 0.1);
    expect(psi(ref, recent)).toBeCloseTo(expected, 10);
  });

  it('KS statistic matches a hand computation', () => {
    // CDFs of [1,2,3,4] and [3,4,5,6]: after 2, F1 = 0.5, F2 = 0; after 4, F1 = 1, F2 = 0.5.
    expect(ksStatistic([1, 2, 3, 4], [3, 4, 5, 6])).toBeCloseTo(0.5, 12);
    expect(ksStatistic([1, 2, 3], [1, 2, 3])).toBe(0);
    expect(ksStatistic([1, 2], [10, 20])).toBe(1);
  });

  it('KS p-value: 1 for identical samples, tiny for disjoint large ones, matches the series', () => {
    expect(ksPValue(0, 100, 100)).toBe(1);
    expect(ksPValue(1, 500, 500)).toBeLessThan(1e-10);
    // d = 0.2, n = m = 100: en = sqrt(50), lambda = (en + 0.12 + 0.11 / en) * 0.2
    const en = Math.sqrt(50);
    const l = (en + 0.12 + 0.11 / en) * 0.2;
    let q = 0;
    for (let j = 1; j < 50; j++) q += 2 * (j % 2 ? 1 : -1) * Math.exp(-2 * j * j * l * l);
    expect(ksPValue(0.2, 100, 100)).toBeCloseTo(q, 10);
    expect(ksPValue(0.2, 100, 100)).toBeGreaterThan(0.02);
    expect(ksPValue(0.2, 100, 100)).toBeLessThan(0.05);
  });

  it('log returns and the combined stat', () => {
    expect(logReturns([100, 110, 99])).toEqual([Math.log(1.1), Math.log(0.9)]);
    const s = driftStat([1, 2, 3, 4], [3, 4, 5, 6]);
    expect(s).toMatchObject({ ks: 0.5, reference_n: 4, recent_n: 4 });
    expect(Number.isFinite(s.psi)).toBe(true);
  });
});
