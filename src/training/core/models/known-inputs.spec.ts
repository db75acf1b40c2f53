import { describe, expect, it } from 'vitest';
import { TrainingInputError } from '../errors';
import { seededRandom } from '../series/shuffle';
import { globalMlpFamily } from './global-mlp';
import type { SeriesPanel } from './series-model';

const H = 12;
const HOUR = 3_600_000;

/** Demand with a daily cycle and a promotion effect no history can predict: only the known promo says when. */
function promoPanel(): { full: SeriesPanel; train: SeriesPanel } {
  const random = seededRandom(11);
  const n = 320;
  const series = Array.from({ length: 8 }, (_, i) => {
    const promo = Float64Array.from({ length: n }, () => (random() < 0.3 ? 1 : 0));
    const values = Float64Array.from(
      { length: n },
      (_, t) => 100 + 10 * i + 10 * Math.sin((2 * Math.PI * t) / 24) + 40 * promo[t] + 2 * (random() - 0.5),
    );
    const timestamps = Float64Array.from({ length: n }, (_, t) => Date.UTC(2025, 0, 1) + t * HOUR);
    return { id: `store-${i}`, values, timestamps, known: { promo } };
  });
  const full: SeriesPanel = { series, frequency: 'H', stepMs: HOUR, seasonalPeriods: [24] };
  const train: SeriesPanel = {
    ...full,
    series: series.map((s) => ({
      ...s,
      values: s.values.subarray(0, n - H),
      timestamps: s.timestamps.subarray(0, n - H),
      known: { promo: s.known.promo.subarray(0, n - H) },
    })),
  };
  return { full, train };
}

async function mae(covariates: string): Promise<number> {
  const { full, train } = promoPanel();
  const model = await globalMlpFamily.fit(
    train,
    { steps: 1500, hidden: 32, learning_rate: 3e-3, covariates },
    { horizon: H, seed: 3 },
  );
  let sum = 0;
  train.series.forEach((s, i) => {
    const n = s.values.length;
    const f = model.forecast({
      history: s,
      horizon: H,
      levels: [0.8],
      futureKnown: { promo: full.series[i].known!.promo.subarray(n, n + H) },
    });
    for (let j = 0; j < H; j++) sum += Math.abs(f.mean[j] - full.series[i].values[n + j]);
  });
  return sum / (train.series.length * H);
}

describe('known covariates in the global model', () => {
  it('reads the future promotions it is given: far better than without them', async () => {
    const [withKnown, without] = [await mae('known'), await mae('none')];
    expect(withKnown).toBeLessThan(0.6 * without);
  });

  it('names a covariate whose future values are missing', async () => {
    const { train } = promoPanel();
    const model = await globalMlpFamily.fit(train, { steps: 5, hidden: 8 }, { horizon: H, seed: 1 });
    expect(model.knownInputs).toEqual(['promo']);
    const ask = (promo?: Float64Array) =>
      model.forecast({ history: train.series[0], horizon: H, levels: [0.8], futureKnown: promo ? { promo } : {} });
    expect(() => ask()).toThrow(TrainingInputError);
    expect(() => ask()).toThrow(/12 future value\(s\) of 'promo'/);
    expect(() => ask(new Float64Array(3))).toThrow(/'promo'/);
    expect(ask(new Float64Array(H)).mean).toHaveLength(H);
    // A saved model restores its covariates and their scaling.
    const restored = globalMlpFamily.load(JSON.parse(JSON.stringify(model.state())));
    expect(restored.knownInputs).toEqual(['promo']);
    expect(
      Array.from(
        restored.forecast({
          history: train.series[0],
          horizon: H,
          levels: [0.8],
          futureKnown: { promo: new Float64Array(H) },
        }).mean,
      ),
    ).toEqual(Array.from(ask(new Float64Array(H)).mean));
  });

  it("covariates 'none' reads none, and a bad choice is refused", async () => {
    const { train } = promoPanel();
    const model = await globalMlpFamily.fit(
      train,
      { steps: 2, hidden: 4, covariates: 'none' },
      { horizon: H, seed: 1 },
    );
    expect(model.knownInputs).toEqual([]);
    await expect(globalMlpFamily.fit(train, { steps: 2, covariates: 'some' }, { horizon: H, seed: 1 })).rejects.toThrow(
      /covariates must be one of known, known\+calendar, none/,
    );
  });
});
