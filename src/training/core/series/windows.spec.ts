import { describe, expect, it } from 'vitest';
import { CleanBar } from './bars';
import { buildWindows, featureTable, tableColumns } from './windows';

/** Table whose single column holds the row index: window contents spell out their rows. */
const rows = (n: number): number[][] => Array.from({ length: n }, (_, i) => [i]);
const unpack = (x: Float32Array, seq: number): number[][] =>
  Array.from({ length: x.length / seq }, (_, w) => Array.from(x.slice(w * seq, (w + 1) * seq)));
const opts = { nFeatures: 1, targetColumn: 0, targetStart: 0 };

describe('buildWindows', () => {
  it('h = 1: inputs rows [i, i+3), target row i+3 (the next row)', () => {
    const w = buildWindows(rows(10), { ...opts, seqLength: 3, horizon: 1, targetEnd: 10 });
    expect(w.count).toBe(7);
    expect(unpack(w.x, 3).slice(0, 2)).toEqual([
      [0, 1, 2],
      [1, 2, 3],
    ]);
    expect(Array.from(w.y)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(unpack(w.x, 3)[6]).toEqual([6, 7, 8]);
    expect(w.targetRows).toEqual([3, 4, 5, 6, 7, 8, 9]);
  });

  it('h = 3: inputs rows [i, i+3), target row i+5 (exactly 3 steps after the last input)', () => {
    const w = buildWindows(rows(10), { ...opts, seqLength: 3, horizon: 3, targetEnd: 10 });
    expect(w.count).toBe(5);
    expect(unpack(w.x, 3)[0]).toEqual([0, 1, 2]);
    expect(w.y[0]).toBe(5);
    expect(unpack(w.x, 3)[4]).toEqual([4, 5, 6]);
    expect(w.y[4]).toBe(9);
  });

  it('a later part takes targets only from itself, inputs may reach back into the previous part', () => {
    // train = rows [0, 6), validation = rows [6, 10)
    const train = buildWindows(rows(10), { ...opts, seqLength: 3, horizon: 2, targetEnd: 6 });
    expect(Array.from(train.y)).toEqual([4, 5]);
    const val = buildWindows(rows(10), { ...opts, seqLength: 3, horizon: 2, targetStart: 6, targetEnd: 10 });
    expect(Array.from(val.y)).toEqual([6, 7, 8, 9]);
    expect(unpack(val.x, 3)[0]).toEqual([2, 3, 4]); // inputs from the train tail, target 6 = 4 + 2
    expect(Math.max(...unpack(val.x, 3).flat())).toBe(7); // never reaches a row >= target - h + 1
  });

  it('lays out several features row-major and picks the target column', () => {
    const table = [
      [1, 10, 100],
      [2, 20, 200],
      [3, 30, 300],
      [4, 40, 400],
    ];
    const w = buildWindows(table, {
      seqLength: 2,
      horizon: 1,
      nFeatures: 2,
      targetColumn: 2,
      targetStart: 0,
      targetEnd: 4,
    });
    expect(Array.from(w.x.slice(0, 4))).toEqual([1, 10, 2, 20]);
    expect(Array.from(w.y)).toEqual([300, 400]);
  });

  it('yields no windows when the part is too short, and rejects bad options', () => {
    expect(buildWindows(rows(3), { ...opts, seqLength: 3, horizon: 1, targetEnd: 3 }).count).toBe(0);
    expect(() => buildWindows(rows(3), { ...opts, seqLength: 0, horizon: 1, targetEnd: 3 })).toThrow('>= 1');
    expect(() => buildWindows(rows(3), { ...opts, seqLength: 2, horizon: 1, targetEnd: 4 })).toThrow(
      'past the table end',
    );
  });
});

describe('features', () => {
  const bars: CleanBar[] = [
    { date: '2024-01-01', open: 1, high: 3, low: 0.5, close: 2, adjClose: 2, volume: 10 },
    { date: '2024-01-02', open: 2, high: 5, low: 1, close: 4, adjClose: 4, volume: 20 },
  ];

  it('appends close to the scaler columns when it is not an input', () => {
    expect(tableColumns(['close'])).toEqual(['close']);
    expect(tableColumns(['returns', 'volume'])).toEqual(['returns', 'volume', 'close']);
  });

  it('computes raw values, returns as log return (0 on the first row)', () => {
    expect(featureTable(bars, ['open', 'high', 'low', 'volume', 'returns', 'close'])).toEqual([
      [1, 3, 0.5, 10, 0, 2],
      [2, 5, 1, 20, Math.log(2), 4],
    ]);
  });
});
