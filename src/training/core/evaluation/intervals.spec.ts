import { describe, expect, it } from 'vitest';
import {
  calibrate,
  conformalQuantile,
  coverage,
  intervalScore,
  intervalsAround,
  levelKey,
  volatilityOf,
} from './intervals';
import { seededRandom } from '../series/shuffle';

function gaussian(rand: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

describe('split-conformal intervals', () => {
  it('takes the ceil((n+1)a)-th smallest score', () => {
    const scores = [5, 1, 4, 2, 3, 9, 8, 7, 6, 10]; // n = 10
    expect(conformalQuantile(scores, 0.8)).toBe(9); // ceil(11 · 0.8) = 9
    expect(conformalQuantile(scores, 0.5)).toBe(6); // ceil(5.5) = 6
    expect(conformalQuantile(scores, 0.95)).toBe(Infinity); // ceil(10.45) = 11 > n
  });

  it('reaches its nominal coverage on synthetic data with known, changing noise (±3 points over 200 seeds)', () => {
    for (const level of [0.8, 0.95]) {
      let sum = 0;
      const seeds = 200;
      for (let seed = 0; seed < seeds; seed++) {
        const rand = seededRandom(1000 + seed);
        const normal = gaussian(rand);
        // Heteroscedastic log-returns: σ_t known at forecast time (a volatility regime per point).
        const draw = (n: number) =>
          Array.from({ length: n }, () => {
            const sigma = 0.005 + 0.03 * rand();
            return { sigma, e: sigma * normal() };
          });
        const cal = draw(250);
        const json = calibrate(
          cal.map((c) => 100 * Math.exp(c.e)),
          cal.map(() => 100),
          [level],
          cal.map((c) => c.sigma),
          { kind: 'window_volatility', returns: 20, floor: 0 },
        );
        const test = draw(250);
        const bands = test.map((t) => intervalsAround(100, json, t.sigma)[0]);
        sum += coverage(
          test.map((t) => 100 * Math.exp(t.e)),
          bands.map((b) => b.lower),
          bands.map((b) => b.upper),
        );
      }
      expect(Math.abs(sum / 200 - level), `level ${level}: mean coverage ${sum / 200}`).toBeLessThan(0.03);
    }
  });

  it('scores intervals like Gneiting & Raftery: width plus 2/α times the miss', () => {
    // level 0.8 (α 0.2): inside → width 2; below by 1 → 2 + 10; above by 0.5 → 2 + 5
    expect(intervalScore([5, 3, 6.5], [4, 4, 4], [6, 6, 6], 0.8)).toBeCloseTo((2 + 12 + 7) / 3, 12);
    expect(coverage([5, 3, 6.5], [4, 4, 4], [6, 6, 6])).toBeCloseTo(1 / 3, 12);
  });

  it('scales by the volatility of the window, never below the floor, and grows like √steps', () => {
    const closes = [100, 101, 100, 101, 100];
    const r = Math.log(1.01);
    const sigma = volatilityOf(closes, 4, { kind: 'window_volatility', returns: 4, floor: 0 });
    expect(sigma).toBeCloseTo(Math.sqrt((r * r + Math.log(100 / 101) ** 2 * 1) / 2), 6);
    expect(volatilityOf([5, 5, 5], 2, { kind: 'window_volatility', returns: 2, floor: 0.01 })).toBe(0.01);
    const json = calibrate([110, 90], [100, 100], [0.5]);
    const [one] = intervalsAround(100, json, 1, 1);
    const [four] = intervalsAround(100, json, 1, 4);
    expect(Math.log(four.upper / 100)).toBeCloseTo(2 * Math.log(one.upper / 100), 12);
    expect(levelKey(0.8)).toBe('80');
    expect(levelKey(0.975)).toBe('97.5');
  });
});
