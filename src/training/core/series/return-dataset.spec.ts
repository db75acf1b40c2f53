import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CleanBar, DailyBar } from './bars';
import { cleanBars } from './cleaning';
import { RETURN_FEATURES } from './features';
import { predictPart } from './forecast-data';
import type { ForecastModel } from '../models/forecast-model';
import { DEFAULT_PARAMS, TrainingParams } from '../models/hyperparams';
import { createPredictor } from '../models/predictor';
import { prepareReturnDataset, returnPreprocessingJSON } from './return-dataset';
import { WindowSet } from './windows';

const day = (i: number) => new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10);

function walk(closes: number[], volumes: number[] = closes.map((_, i) => 1000 + i)): CleanBar[] {
  return closes.map((c, i) => ({
    date: day(i),
    open: c,
    high: c * 1.01,
    low: c * 0.99,
    close: c,
    adjClose: c,
    volume: volumes[i],
  }));
}

const params = (p: Partial<TrainingParams>): TrainingParams => ({ ...DEFAULT_PARAMS, seq_length: 5, ...p });

/** A "model" that answers each window set's true targets: the formulation must then reproduce the prices. */
function oracle(sets: WindowSet[]): ForecastModel {
  return {
    predict: (x: Float32Array) => sets.find((s) => s.x === x)!.y,
  } as unknown as ForecastModel;
}

describe('return target', () => {
  const closes = Array.from({ length: 120 }, (_, i) => 50 * Math.exp(0.01 * Math.sin(i) + 0.002 * i));
  const bars = walk(closes);

  it('round-trips: true returns reconstruct the actual prices, on every horizon', () => {
    for (const horizon of [1, 3]) {
      const d = prepareReturnDataset(bars, params({ horizon }));
      const model = oracle([d.validation, d.test]);
      const f = predictPart(model, { ...d }, d.test, { kind: 'none' });
      f.predicted.forEach((p, i) => expect(p).toBeCloseTo(f.actual[i], 6));
      expect(f.targetRows[0]).toBe(d.split.test.start);
    }
  });

  it('an output of 0 is persistence, through the saved preprocessing too', () => {
    const d = prepareReturnDataset(bars, params({ features: ['returns', 'range', 'volume_change', 'weekday'] }));
    const zero = { predict: (_x: Float32Array, n: number) => new Float32Array(n), backend: 'test' } as ForecastModel;
    const predictor = createPredictor(zero, returnPreprocessingJSON(d));
    expect(predictor.seqLength).toBe(6);
    expect(predictor.features).toEqual(['close', 'high', 'low', 'volume', 'weekday']);
    const window = d.input.slice(50, 56);
    expect(predictor.predict(window)).toBe(window[5][0]);
    const up = {
      predict: (_x: Float32Array, n: number) => new Float32Array(n).fill(1),
      backend: 'test',
    } as ForecastModel;
    expect(createPredictor(up, returnPreprocessingJSON(d)).predict(window)).toBeCloseTo(
      window[5][0] * Math.exp(d.targetScale),
      9,
    );
  });

  it('standardises inputs with training statistics only', () => {
    const d = prepareReturnDataset(bars, params({}));
    expect(d.scaler.columns).toEqual(['returns']);
    const trainReturns = closes.slice(1, d.split.train.end).map((c, i) => Math.log(c / closes[i]));
    const mean = trainReturns.reduce((a, b) => a + b, 0) / trainReturns.length;
    expect(d.scaler.mean[0]).toBeCloseTo(mean, 12);
  });

  it('rejects misaligned and unknown exogenous series with clear messages', () => {
    const other = walk(closes.slice(0, 40)).map((b, i) => ({ ...b, date: day(i + 200) }));
    expect(() => prepareReturnDataset(bars, params({ exogenous: ['^X'] }), { '^X': other })).toThrow(
      /exogenous series \^X is misaligned with the data: only 0 of 120 dates/,
    );
    expect(() => prepareReturnDataset(bars, params({ exogenous: ['^Y'] }), {})).toThrow('^Y has no data');
  });

  it('aligns an exogenous series by date from the past only', () => {
    const exo = walk(closes.map((c) => c * 2)).filter((_, i) => i % 7 !== 3); // some days missing
    const d = prepareReturnDataset(bars, params({ exogenous: ['^X'] }), { '^X': exo });
    const col = d.inputColumns.indexOf('exo:^X');
    expect(d.input[3][col]).toBe(exo.find((b) => b.date === day(2))!.close); // missing day 3: day 2's close
    expect(d.features).toEqual(['returns', 'exo:^X']);
  });
});

/** Random daily series with random split, window, horizon and features. */
const scenario = fc.record({
  n: fc.integer({ min: 90, max: 160 }),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  seq: fc.integer({ min: 2, max: 8 }),
  horizon: fc.integer({ min: 1, max: 3 }),
  train: fc.double({ min: 0.45, max: 0.6, noNaN: true }),
  val: fc.double({ min: 0.15, max: 0.25, noNaN: true }),
  features: fc.subarray([...RETURN_FEATURES], { minLength: 1 }),
});

function series(n: number, seed: number): CleanBar[] {
  let x = seed;
  const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5;
  const closes: number[] = [];
  for (let i = 0; i < n; i++) closes.push((closes[i - 1] ?? 100) * Math.exp(0.02 * next()));
  return walk(
    closes,
    closes.map(() => 1000 + Math.round(500 * next())),
  );
}

/** Every bar from row `from` on replaced by something else entirely. */
function perturbFrom(bars: CleanBar[], from: number): CleanBar[] {
  return bars.map((b, i) =>
    i < from ? b : { ...b, close: b.close * 3.7, high: b.high * 4, low: b.low * 3, volume: 7 },
  );
}

const same = (a: WindowSet, b: WindowSet) => {
  expect(Array.from(a.x)).toEqual(Array.from(b.x));
  expect(Array.from(a.y)).toEqual(Array.from(b.y));
};

describe('no future value reaches a training or validation input (property)', () => {
  it('training windows and the scaler ignore everything after the training part; validation ignores the test part', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const bars = series(s.n, s.seed);
        const p = params({
          seq_length: s.seq,
          horizon: s.horizon,
          train_fraction: s.train,
          val_fraction: s.val,
          features: s.features,
        });
        const d = prepareReturnDataset(bars, p);
        const afterTrain = prepareReturnDataset(perturbFrom(bars, d.split.train.end), p);
        same(d.train, afterTrain.train);
        expect(afterTrain.scaler.toJSON()).toEqual(d.scaler.toJSON());
        expect(afterTrain.targetScale).toBe(d.targetScale);
        const afterVal = prepareReturnDataset(perturbFrom(bars, d.split.test.start), p);
        same(d.validation, afterVal.validation);
        // A window's inputs end h rows before its target: changing its target row onwards changes no input.
        const w = d.validation.targetRows.length - 1;
        const t = d.validation.targetRows[w];
        const fromTarget = prepareReturnDataset(perturbFrom(bars, Math.max(t - s.horizon + 1, d.split.train.end)), p);
        const size = d.validation.seqLength * d.validation.nFeatures;
        expect(Array.from(fromTarget.validation.x.slice(w * size, (w + 1) * size))).toEqual(
          Array.from(d.validation.x.slice(w * size, (w + 1) * size)),
        );
      }),
      { numRuns: 60 },
    );
  });

  it('cleaning never reads later rows: cleaning a prefix gives the prefix of the cleaned series', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.double({ min: 1, max: 500, noNaN: true }), { nil: null }), {
          minLength: 5,
          maxLength: 60,
        }),
        fc.integer({ min: 1, max: 59 }),
        fc.constantFrom('ffill' as const, 'drop' as const),
        (values, cut, strategy) => {
          const raw: DailyBar[] = values.map((c, i) => ({
            date: day(i),
            open: c,
            high: c,
            low: c,
            close: c,
            adjClose: c,
            volume: c === null ? null : 10,
          }));
          const k = Math.min(cut, raw.length);
          const full = cleanBars(raw, { strategy }).bars.filter((b) => b.date <= raw[k - 1].date);
          expect(cleanBars(raw.slice(0, k), { strategy }).bars).toEqual(full);
        },
      ),
      { numRuns: 200 },
    );
  });
});
