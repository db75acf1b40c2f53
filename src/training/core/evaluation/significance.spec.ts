import { describe, expect, it } from 'vitest';
import { meanLogReturn, persistence, randomWalkDrift, seasonalNaive } from './baselines';
import { dieboldMariano, directionAccuracy } from './significance';

describe('baselines on hand-computed cases', () => {
  const closes = [10, 11, 12, 13, 14, 15];

  it('persistence, drift and seasonal naive use only closes observed at forecast time', () => {
    expect(persistence(closes, [3, 4, 5], 1)).toEqual([12, 13, 14]);
    expect(persistence(closes, [4, 5], 3)).toEqual([11, 12]);
    const mu = meanLogReturn(closes, 0, 3); // training rows 0..2: ln(12/10) over 2 steps
    expect(mu).toBeCloseTo(Math.log(1.2) / 2, 12);
    expect(randomWalkDrift(closes, [3], 1, mu)[0]).toBeCloseTo(12 * Math.sqrt(1.2), 12);
    expect(randomWalkDrift(closes, [5], 2, mu)[0]).toBeCloseTo(13 * 1.2, 12);
    // period 2: the close two rows back; horizon 3 needs whole seasons back past the origin (lag 4).
    expect(seasonalNaive(closes, [3, 4, 5], 1, 2)).toEqual([11, 12, 13]);
    expect(seasonalNaive(closes, [4, 5], 3, 2)).toEqual([10, 11]);
    expect(() => seasonalNaive(closes, [3], 1, 5)).toThrow('seasonal_period 5');
  });

  it('direction accuracy counts moves in the right direction, skipping days without a move', () => {
    // base 10 each day; actual up, down, flat, up; forecast up, up, up, flat (flat counts as wrong)
    expect(directionAccuracy([11, 9, 10, 12], [10.5, 10.5, 10.5, 10], [10, 10, 10, 10])).toBeCloseTo(1 / 3, 12);
  });
});

describe('Diebold-Mariano test', () => {
  it('matches the hand computation (absolute loss, HLN correction, t with n-1 df)', () => {
    // d = |e_base| - |e_model| = [1, 0, 1, 1, 2]: mean 1, γ0 = 0.4, DM = 1/sqrt(0.4/5) · sqrt(0.8) = sqrt(10)
    const dm = dieboldMariano([1, -2, 1, -1, 0], [2, 2, -2, 2, 2], 1);
    expect(dm.statistic).toBeCloseTo(Math.sqrt(10), 10);
    // t(4) CDF in closed form: 1/2 + 3/4 (s - s³/3) with s = t / sqrt(t² + 4)
    const s = Math.sqrt(10) / Math.sqrt(14);
    expect(dm.pValue).toBeCloseTo(2 * (0.5 - 0.75 * (s - s ** 3 / 3)), 6);
    expect(dm.pValue).toBeCloseTo(0.03411, 4);
    expect(dm.n).toBe(5);
  });

  it('is antisymmetric and says "no difference" for identical errors', () => {
    const a = [0.5, -1.2, 0.3, 2.0, -0.7, 0.9, -0.4];
    const b = [0.9, -0.8, 0.6, 1.1, -1.5, 0.2, -0.9];
    expect(dieboldMariano(a, b).statistic).toBeCloseTo(-dieboldMariano(b, a).statistic, 12);
    expect(dieboldMariano(a, b).pValue).toBeCloseTo(dieboldMariano(b, a).pValue, 12);
    expect(dieboldMariano(a, a)).toEqual({ statistic: 0, pValue: 1, n: 7 });
  });

  it('widens the variance with the autocovariances of overlapping h-step errors', () => {
    const a = [1, 2, 1, 2, 3, 1, 2, 2, 1, 3];
    const b = a.map((v, i) => v + (i % 3 === 0 ? 1 : 0.2));
    const h1 = dieboldMariano(a, b, 1);
    const h3 = dieboldMariano(a, b, 3);
    expect(h1.statistic).toBeGreaterThan(0);
    expect(h3.statistic).not.toBeCloseTo(h1.statistic, 3);
    expect(() => dieboldMariano([1, 2], [1, 2])).toThrow('at least 3');
  });
});
