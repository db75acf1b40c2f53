import { describe, expect, it } from 'vitest';
import { CleanBar } from './bars';
import { prepareDataset } from './dataset';
import { DEFAULT_PARAMS } from '../models/hyperparams';
import { MinMaxScaler } from './scaler';

describe('MinMaxScaler', () => {
  const scaler = MinMaxScaler.fit(
    [
      [1, 100],
      [3, 300],
      [2, 200],
    ],
    ['a', 'b'],
  );

  it('scales each column to [0, 1] over the fitted rows and inverts exactly', () => {
    expect(
      scaler.transform([
        [1, 100],
        [2, 250],
        [3, 300],
      ]),
    ).toEqual([
      [0, 0],
      [0.5, 0.75],
      [1, 1],
    ]);
    expect(
      scaler.inverseTransform([
        [0, 0],
        [0.5, 0.75],
      ]),
    ).toEqual([
      [1, 100],
      [2, 250],
    ]);
    expect(scaler.transformColumn('b', [150])).toEqual([0.25]);
    expect(scaler.inverseTransformColumn('b', [2])).toEqual([500]);
  });

  it('lets unseen values fall outside [0, 1] instead of clipping them', () => {
    expect(scaler.transform([[5, 0]])).toEqual([[2, -0.5]]);
  });

  it('is constant-column safe (range 1, no NaN)', () => {
    const s = MinMaxScaler.fit([[7], [7]], ['c']);
    expect(s.transform([[7], [8]])).toEqual([[0], [1]]);
    expect(s.inverseTransform([[0]])).toEqual([[7]]);
  });

  it('round-trips through JSON', () => {
    const json = JSON.parse(JSON.stringify(scaler.toJSON()));
    expect(json).toEqual({ type: 'minmax', columns: ['a', 'b'], min: [1, 100], max: [3, 300] });
    expect(MinMaxScaler.fromJSON(json).transform([[2, 200]])).toEqual([[0.5, 0.5]]);
    expect(() => MinMaxScaler.fromJSON({ ...json, min: [1] })).toThrow('invalid scaler JSON');
  });

  it('rejects empty, ragged and non-finite input and unknown columns', () => {
    expect(() => MinMaxScaler.fit([], ['a'])).toThrow('zero rows');
    expect(() => MinMaxScaler.fit([[1, 2]], ['a'])).toThrow('expects 1 values per row');
    expect(() => MinMaxScaler.fit([[NaN]], ['a'])).toThrow('non-finite');
    expect(() => scaler.indexOf('z')).toThrow('scaler has no column "z" (columns: a, b)');
  });
});

describe('scaler fitting in the dataset (no look-ahead)', () => {
  const bars = (closes: number[]): CleanBar[] =>
    closes.map((c, i) => ({
      date: new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10),
      open: c,
      high: c,
      low: c,
      close: c,
      adjClose: c,
      volume: 1000 + i,
    }));
  const base = Array.from({ length: 100 }, (_, i) => 10 + Math.sin(i / 5));
  const params = { ...DEFAULT_PARAMS, target: 'level' as const, features: ['close' as const], seq_length: 5 };

  it('is fitted on the training rows only: extremes in validation/test do not move it', () => {
    const calm = prepareDataset(bars(base), params).scaler.toJSON();
    const wild = base.map((c, i) => (i >= 70 ? c * (i % 2 ? 100 : 0.01) : c));
    const shocked = prepareDataset(bars(wild), params).scaler.toJSON();
    expect(shocked).toEqual(calm);
    expect(calm.max[0]).toBe(Math.max(...base.slice(0, 70)));
  });

  it('does move when the training part changes', () => {
    const changed = [...base];
    changed[10] = 1000;
    expect(prepareDataset(bars(changed), params).scaler.max[0]).toBe(1000);
  });
});
