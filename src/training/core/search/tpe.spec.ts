import { describe, expect, it } from 'vitest';
import { sampleSpace } from './random';
import { SearchSpace } from './space';
import { tpeSuggest, Trial } from './tpe';

const SPACE: SearchSpace = [
  { name: 'x', kind: 'range', min: -5, max: 5, log: false, int: false },
  { name: 'y', kind: 'range', min: -5, max: 5, log: false, int: false },
];
/** A shifted, tilted bowl: minimum 0 at (1.3, −0.7). */
const bowl = (p: Record<string, unknown>) => ((p.x as number) - 1.3) ** 2 + 3 * ((p.y as number) + 0.7) ** 2;

function tpeBest(f: (p: Record<string, unknown>) => number, space: SearchSpace, n: number, seed: number): number {
  const trials: Trial[] = [];
  for (let i = 0; i < n; i++) {
    const params = tpeSuggest(space, trials, seed);
    trials.push({ params, value: f(params) });
  }
  return Math.min(...trials.map((t) => t.value));
}

const randomBest = (f: (p: Record<string, unknown>) => number, space: SearchSpace, n: number, seed: number) =>
  Math.min(...sampleSpace(space, n, seed).map(f));

describe('TPE sampler', () => {
  it('beats random search on a 2-D bowl within 40 trials for most seeds', () => {
    let wins = 0;
    const seeds = Array.from({ length: 20 }, (_, i) => i + 1);
    for (const seed of seeds) if (tpeBest(bowl, SPACE, 40, seed) < randomBest(bowl, SPACE, 40, seed)) wins++;
    expect(wins).toBeGreaterThanOrEqual(15);
  });

  it('is reproducible, random for the startup trials, and stays inside int, log and choice dimensions', () => {
    const space: SearchSpace = [
      { name: 'units', kind: 'range', min: 4, max: 64, log: true, int: true },
      { name: 'lr', kind: 'range', min: 1e-4, max: 1e-1, log: true, int: false },
      { name: 'model', kind: 'choice', values: ['ets', 'theta', 'global_mlp'] },
    ];
    // Only 'theta' is any good, and small learning rates.
    const f = (p: Record<string, unknown>) => (p.model === 'theta' ? 0 : 1) + Math.log10(p.lr as number) + 4;
    const run = (seed: number) => {
      const trials: Trial[] = [];
      for (let i = 0; i < 30; i++) {
        const params = tpeSuggest(space, trials, seed, { nStartup: 8 });
        trials.push({ params, value: f(params) });
      }
      return trials;
    };
    const a = run(5);
    expect(run(5)).toEqual(a);
    expect(a.slice(0, 8).map((t) => t.params)).toEqual(
      a.slice(0, 8).map((_, i) => tpeSuggest(space, a.slice(0, i), 5, { nStartup: 8 })),
    );
    for (const { params } of a) {
      expect(Number.isInteger(params.units)).toBe(true);
      expect(params.units).toBeGreaterThanOrEqual(4);
      expect(params.units).toBeLessThanOrEqual(64);
      expect(params.lr).toBeGreaterThanOrEqual(1e-4);
      expect(params.lr).toBeLessThanOrEqual(1e-1);
    }
    const late = a.slice(15);
    expect(late.filter((t) => t.params.model === 'theta').length).toBeGreaterThan(late.length / 2);
  });
});
