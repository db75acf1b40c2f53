import { describe, expect, it } from 'vitest';
import { TrainingInputError } from '../errors';
import { seededRandom } from '../series/shuffle';
import { sampleSpace } from './random';
import { parseSpace, spaceSize } from './space';

describe('parseSpace', () => {
  it('reads choices and ranges, sorted by name; integer params give integer ranges', () => {
    expect(
      parseSpace({ units: { min: 8, max: 64, log: true }, dropout: [0, 0.2], learning_rate: { min: 1e-4, max: 1e-2 } }),
    ).toEqual([
      { name: 'dropout', kind: 'choice', values: [0, 0.2] },
      { name: 'learning_rate', kind: 'range', min: 1e-4, max: 1e-2, log: false, int: false },
      { name: 'units', kind: 'range', min: 8, max: 64, log: true, int: true },
    ]);
  });

  it.each([
    [{ learning_rate: { min: 0.1, max: 0.01 } }, /grid 'learning_rate': min \(0.1\) must be below max \(0.01\)/],
    [{ learning_rate: { min: 0, max: 0.01, log: true } }, /grid 'learning_rate': a log range needs min > 0/],
    [{ learning_rate: { min: 0.001 } }, /grid 'learning_rate': a range needs numeric min and max/],
    [
      { learning_rate: { min: 0.001, max: 2 } },
      /grid 'learning_rate': range bound out of range: learning_rate must be/,
    ],
    [{ units: { min: 8.5, max: 64 } }, /grid 'units': units is an integer parameter/],
    [{ units: { min: 8, max: 64, step: 2 } }, /grid 'units': unknown range key\(s\) step/],
    [{ loss: { min: 1, max: 2 } }, /grid 'loss': ranges need a numeric parameter/],
    [{ nope: { min: 1, max: 2 } }, /grid 'nope': unknown parameter/],
    [{ units: [] }, /grid 'units' must be a non-empty list/],
    [{ units: 16 }, /grid 'units' must be a list of values or a range/],
    [{}, /at least one parameter/],
    [[1, 2], /must be an object/],
  ])('rejects %j naming the parameter', (raw, message) => {
    expect(() => parseSpace(raw)).toThrow(TrainingInputError);
    expect(() => parseSpace(raw)).toThrow(message);
  });

  it('counts distinct candidates: finite for choices and integer ranges, infinite with a float range', () => {
    expect(spaceSize(parseSpace({ units: { min: 8, max: 11 }, dropout: [0, 0.1] }))).toBe(8);
    expect(spaceSize(parseSpace({ learning_rate: { min: 1e-4, max: 1e-2 } }))).toBe(Infinity);
  });
});

describe('sampleSpace', () => {
  const space = parseSpace({
    units: { min: 8, max: 64, log: true },
    learning_rate: { min: 1e-4, max: 1e-2, log: true },
    loss: ['mae', 'mse'],
  });

  it('is reproducible from its seed and differs across seeds', () => {
    expect(sampleSpace(space, 20, 1)).toEqual(sampleSpace(space, 20, 1));
    expect(sampleSpace(space, 20, 1)).not.toEqual(sampleSpace(space, 20, 2));
  });

  it('stays inside the bounds, integers for integer params, all choices used', () => {
    const xs = sampleSpace(space, 300, 3);
    for (const x of xs) {
      expect(Number.isInteger(x.units)).toBe(true);
      expect(x.units).toBeGreaterThanOrEqual(8);
      expect(x.units).toBeLessThanOrEqual(64);
      expect(x.learning_rate).toBeGreaterThanOrEqual(1e-4);
      expect(x.learning_rate).toBeLessThanOrEqual(1e-2);
    }
    expect(new Set(xs.map((x) => x.loss))).toEqual(new Set(['mae', 'mse']));
    expect(new Set(xs.map((x) => JSON.stringify(x))).size).toBe(300);
  });

  it('log ranges spread evenly over the decades (median near the geometric mean)', () => {
    const lr = sampleSpace(parseSpace({ learning_rate: { min: 1e-4, max: 1e-2, log: true } }), 2001, 5)
      .map((x) => x.learning_rate as number)
      .sort((a, b) => a - b);
    expect(lr[1000]).toBeGreaterThan(6e-4);
    expect(lr[1000]).toBeLessThan(1.6e-3);
    const below1e3 = lr.filter((v) => v < 1e-3).length / lr.length;
    expect(below1e3).toBeGreaterThan(0.45);
    expect(below1e3).toBeLessThan(0.55);
  });

  it('draws every point of a small integer space exactly once, and refuses more than it holds', () => {
    const small = parseSpace({ units: { min: 1, max: 6 } });
    expect(
      sampleSpace(small, 6, 9)
        .map((x) => x.units)
        .sort(),
    ).toEqual([1, 2, 3, 4, 5, 6]);
    expect(() => sampleSpace(small, 7, 9)).toThrow(/n_candidates \(7\) exceeds the 6 distinct candidates/);
  });

  it('mulberry32 yields values in [0, 1)', () => {
    const next = seededRandom(42);
    const xs = Array.from({ length: 1000 }, next);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
  });
});
