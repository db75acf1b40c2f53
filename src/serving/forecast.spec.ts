import { describe, expect, it } from 'vitest';
import type { CleanBar, Predictor, WindowInput } from '../training/core';
import { forecastBatch, forecastFrom, nextSession, parseValues, rollingForecast, tradesAtWeekends } from './forecast';

/** A close-only "model" that forecasts the last value + 1, so every expected number is obvious. */
function lastPlusOne(seqLength = 3): Predictor {
  const predictBatch = (windows: readonly WindowInput[]) =>
    windows.map((w) => {
      expect(w).toHaveLength(seqLength);
      return ((w as number[])[seqLength - 1] as number) + 1;
    });
  return {
    seqLength,
    horizon: 1,
    features: ['close'],
    backend: 'fake',
    preprocessing: { features: ['close'], seq_length: seqLength } as Predictor['preprocessing'],
    exogenous: [],
    intervalLevels: [],
    inputRows: (bars) => bars.map((b) => [b.close]),
    intervals: () => [],
    predict: (w: WindowInput) => predictBatch([w])[0],
    predictBatch,
    forecast: () => [],
    dispose: () => undefined,
  };
}

const bar = (date: string, close: number): CleanBar => ({
  date,
  open: close,
  high: close,
  low: close,
  close,
  adjClose: close,
  volume: 1,
});
// Mon 2024-07-22 .. Fri 2024-07-26, closes 10..14
const week = ['2024-07-22', '2024-07-23', '2024-07-24', '2024-07-25', '2024-07-26'].map((d, i) => bar(d, 10 + i));

describe('serving forecasts', () => {
  it('recursive multi-step forecasts feed each prediction into the next window', () => {
    expect(
      forecastBatch(
        lastPlusOne(),
        [
          [1, 2, 3],
          [7, 8, 9],
        ],
        3,
      ),
    ).toEqual([
      [4, 5, 6],
      [10, 11, 12],
    ]);
  });

  it('parseValues keeps the rows and rejects what is not a finite number', () => {
    const p = lastPlusOne();
    expect(parseValues(p, [1, 2, 3, 4], 'm')).toEqual([1, 2, 3, 4]);
    expect(parseValues(p, [[1], [2], [3]], 'm')).toEqual([1, 2, 3]);
    expect(() => parseValues(p, [1, 2, Number.NaN], 'm')).toThrow('values[2] must be a finite number, got NaN');
    expect(() => parseValues(p, [1, 2], 'm')).toThrow("'values' needs at least 3 values (the seq_length of m), got 2");
  });

  it('rolling forecasts use only the bars before each target', () => {
    expect(rollingForecast(lastPlusOne(), week, '2024-07-25', '2024-07-31', 1)).toEqual([
      { date: '2024-07-25', predicted: 13, actual: 13 },
      { date: '2024-07-26', predicted: 14, actual: 14 },
    ]);
    // horizon 2: the 2nd step of a forecast from the window ending two bars earlier
    expect(rollingForecast(lastPlusOne(), week, '2024-07-26', '2024-07-26', 2)).toEqual([
      { date: '2024-07-26', predicted: 14, actual: 14 },
    ]);
    expect(() => rollingForecast(lastPlusOne(), week, '2024-07-23', '2024-07-26', 1)).toThrow(
      /Not enough history before 2024-07-23/,
    );
  });

  it('a date form continues past the data on weekdays, or every day for 7-day markets', () => {
    expect(forecastFrom(lastPlusOne(), week, '2024-07-26', 3)).toEqual([
      { date: '2024-07-26', predicted: 14, actual: 14 },
      { date: '2024-07-29', predicted: 15 },
      { date: '2024-07-30', predicted: 16 },
    ]);
    const crypto = ['2024-07-26', '2024-07-27', '2024-07-28'].map((d, i) => bar(d, i));
    expect(tradesAtWeekends(crypto)).toBe(true);
    expect(tradesAtWeekends(week)).toBe(false);
    expect(forecastFrom(lastPlusOne(), crypto, '2024-07-29', 2).map((p) => p.date)).toEqual([
      '2024-07-29',
      '2024-07-30',
    ]);
    expect(nextSession('2024-07-26', false)).toBe('2024-07-29');
    expect(nextSession('2024-07-26', true)).toBe('2024-07-27');
    expect(() => forecastFrom(lastPlusOne(), week, '2024-07-30', 1)).toThrow(
      /the furthest date to forecast is the next session, 2024-07-29/,
    );
  });
});
