import { describe, expect, it } from 'vitest';
import { decideRung, rungEpochs, rungValue } from './halving';
import { halvingConfig, planCandidates } from './strategy';

describe('rungEpochs', () => {
  it('places rungs at min·eta^k below the last epoch', () => {
    expect(rungEpochs({ eta: 3, minResource: 1 }, 30)).toEqual([1, 3, 9, 27]);
    expect(rungEpochs({ eta: 3, minResource: 1 }, 27)).toEqual([1, 3, 9]);
    expect(rungEpochs({ eta: 2, minResource: 2 }, 10)).toEqual([2, 4, 8]);
    expect(rungEpochs({ eta: 2.5, minResource: 1 }, 20)).toEqual([1, 3, 6, 16]);
    expect(rungEpochs({ eta: 3, minResource: 5 }, 5)).toEqual([]);
  });
});

describe('rungValue', () => {
  const h = [
    { epoch: 1, loss: 1, val_loss: 0.5 },
    { epoch: 2, loss: 1, val_loss: 0.3 },
    { epoch: 3, loss: 1, val_loss: 0.4 },
    { epoch: 4, loss: 1, val_loss: 0.1 },
  ];
  it('is the best val_loss up to the rung epoch', () => {
    expect(rungValue(h, 1)).toBe(0.5);
    expect(rungValue(h, 3)).toBe(0.3);
    expect(rungValue(h, 4)).toBe(0.1);
  });
  it('treats NaN as never improving', () => {
    expect(rungValue([{ epoch: 1, loss: NaN, val_loss: NaN }], 1)).toBe(Infinity);
  });
});

describe('decideRung (Optuna successive halving rule)', () => {
  const cfg = { eta: 3, minResource: 1 };
  it('the first arrival always goes on', () => {
    expect(decideRung(cfg, 0, 1, 0.9, [])).toMatchObject({ promote: true, rank: 1, competitors: 1, kept: 1 });
  });
  it('with fewer than eta arrivals only the best so far goes on', () => {
    expect(decideRung(cfg, 0, 1, 0.5, [0.4]).promote).toBe(false);
    expect(decideRung(cfg, 0, 1, 0.4, [0.4]).promote).toBe(true); // ties go on
    expect(decideRung(cfg, 0, 1, 0.3, [0.4, 0.5]).promote).toBe(true);
  });
  it('keeps the best floor(n/eta) once enough have arrived', () => {
    const others = [0.1, 0.2, 0.3, 0.4, 0.5]; // with itself: 6 → the best 2 go on
    expect(decideRung(cfg, 1, 3, 0.15, others)).toMatchObject({ promote: true, rank: 2, kept: 2, cutoff: 0.15 });
    expect(decideRung(cfg, 1, 3, 0.25, others)).toMatchObject({ promote: false, rank: 3, kept: 2, cutoff: 0.2 });
  });
  it('never promotes a NaN or infinite value; NaN competitors count as worst', () => {
    expect(decideRung(cfg, 0, 1, NaN, []).promote).toBe(false);
    expect(decideRung(cfg, 0, 1, 0.9, [NaN]).promote).toBe(true);
  });
  it('simulated: over a stream of candidates the clearly worse ones stop, the best survives', () => {
    // candidate i has value q_i at every rung; arrival in order; eta 2
    const q = [0.5, 0.9, 0.2, 0.95, 0.1, 0.99, 0.3, 0.97];
    const reached: number[][] = [[], [], []];
    const stoppedAt = q.map(() => -1);
    q.forEach((v, i) => {
      for (let r = 0; r < 3; r++) {
        const d = decideRung({ eta: 2, minResource: 1 }, r, 2 ** r, v, reached[r]);
        reached[r].push(v);
        if (!d.promote) {
          stoppedAt[i] = r;
          break;
        }
      }
    });
    expect(stoppedAt[4]).toBe(-1); // the best (0.1) trains to the end
    for (const i of [1, 3, 5, 7]) expect(stoppedAt[i]).toBe(0); // the clearly worse stop at the first rung
  });
});

describe('planCandidates / halvingConfig', () => {
  it('grid expands lists and refuses ranges or a budget', () => {
    expect(planCandidates({ strategy: 'grid', space: { units: [1, 2] }, seed: 0 })).toHaveLength(2);
    expect(() => planCandidates({ strategy: 'grid', space: { units: { min: 1, max: 4 } }, seed: 0 })).toThrow(
      /grid 'units' is a range: strategy 'grid' needs lists/,
    );
    expect(() => planCandidates({ strategy: 'grid', space: { units: [1] }, nCandidates: 2, seed: 0 })).toThrow(
      /n_candidates applies to/,
    );
  });
  it('random needs a positive budget and samples it', () => {
    const space = { units: { min: 1, max: 100 } };
    expect(planCandidates({ strategy: 'random', space, nCandidates: 5, seed: 1 })).toHaveLength(5);
    expect(() => planCandidates({ strategy: 'random', space, seed: 1 })).toThrow(/needs n_candidates/);
    for (const n of [0, -1, 1.5, 1001])
      expect(() => planCandidates({ strategy: 'random', space, nCandidates: n, seed: 1 })).toThrow(
        /n_candidates must be an integer in \[1, 1000\]/,
      );
  });
  it('halving expands a list grid, samples with a budget, needs one for ranges', () => {
    expect(planCandidates({ strategy: 'halving', space: { units: [1, 2, 3] }, seed: 0 })).toHaveLength(3);
    expect(planCandidates({ strategy: 'halving', space: { units: [1, 2, 3] }, nCandidates: 2, seed: 0 })).toHaveLength(
      2,
    );
    expect(() => planCandidates({ strategy: 'halving', space: { units: { min: 1, max: 9 } }, seed: 0 })).toThrow(
      /needs n_candidates/,
    );
  });
  it('rejects an unknown strategy', () => {
    expect(() => planCandidates({ strategy: 'bayes' as never, space: { units: [1] }, seed: 0 })).toThrow(
      /strategy must be one of grid, random, halving/,
    );
  });
  it('validates eta and min_resource, naming them', () => {
    expect(halvingConfig(undefined, [10])).toEqual({ eta: 3, minResource: 1 });
    expect(() => halvingConfig({ eta: 1.5 }, [10])).toThrow(/halving.eta must be a number in \[2, 100\], got 1.5/);
    expect(() => halvingConfig({ min_resource: 0 }, [10])).toThrow(/halving.min_resource must be an integer >= 1/);
    expect(() => halvingConfig({ min_resource: 10 }, [10])).toThrow(/halving.min_resource \(10\) must be below/);
  });
});
