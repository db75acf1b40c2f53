import { describe, expect, it } from 'vitest';
import { align, downsample, smooth, toHistory, toSeries } from './series';

describe('smooth (debiased EMA)', () => {
  it('returns the input at weight 0 and keeps a constant series constant at any weight', () => {
    expect(Array.from(smooth([1, 5, 3], 0))).toEqual([1, 5, 3]);
    for (const v of smooth([2, 2, 2, 2], 0.9)) expect(v).toBeCloseTo(2, 12);
  });
  it('is debiased: the first point is the first value, later points lag towards the past', () => {
    const s = smooth([0, 10, 10, 10], 0.5);
    expect(s[0]).toBe(0);
    expect(s[1]).toBeCloseTo(10 * (0.5 / 0.75), 10);
    expect(s[3]).toBeGreaterThan(s[2]);
    expect(s[3]).toBeLessThan(10);
  });
  it('passes NaN through without poisoning later points', () => {
    const s = smooth([1, NaN, 1], 0.6);
    expect(Number.isNaN(s[1])).toBe(true);
    expect(s[2]).toBeCloseTo(1, 12);
  });
});

describe('downsample (min/max per bucket)', () => {
  const n = 100_000;
  const x = Float64Array.from({ length: n }, (_, i) => i);
  const y = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 1000));
  y[54_321] = 50; // a spike must survive decimation
  y[12_345] = -50;

  it('keeps at most 4 points per bucket, the ends, and every extreme', () => {
    const d = downsample({ x, y }, 500);
    expect(d.x.length).toBeLessThanOrEqual(2000);
    expect(d.x.length).toBeGreaterThan(500);
    expect(d.x[0]).toBe(0);
    expect(d.x[d.x.length - 1]).toBe(n - 1);
    expect(Math.max(...d.y)).toBe(50);
    expect(Math.min(...d.y)).toBe(-50);
    for (let i = 1; i < d.x.length; i++) expect(d.x[i]).toBeGreaterThan(d.x[i - 1]);
  });
  it('leaves small series untouched', () => {
    const small = { x: Float64Array.of(0, 1, 2), y: Float64Array.of(3, 4, 5) };
    expect(downsample(small, 500)).toBe(small);
  });
});

describe('align (shared x axis for uPlot)', () => {
  it('shares x when all series have the same steps', () => {
    const a = { x: Float64Array.of(0, 1, 2), y: Float64Array.of(1, 2, 3) };
    const b = { x: Float64Array.of(0, 1, 2), y: Float64Array.of(4, 5, 6) };
    const [x, ...ys] = align([a, b]);
    expect(x).toBe(a.x); // shared, not copied
    expect(ys.map((y) => Array.from(y))).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });
  it('merges different steps with gaps as null', () => {
    const a = { x: Float64Array.of(0, 2), y: Float64Array.of(1, 3) };
    const b = { x: Float64Array.of(1, 2, 5), y: Float64Array.of(7, 8, 9) };
    expect(align([a, b])).toEqual([
      [0, 1, 2, 5],
      [1, null, 3, null],
      [null, 7, 8, 9],
    ]);
  });
});

describe('toHistory and toSeries', () => {
  const points = [
    { step: 2, timestamp: 3000, value: 0.2 },
    { step: 0, timestamp: 1000, value: 0.5 },
    { step: 1, timestamp: 2500, value: 0.3 },
  ];
  it('keeps columns sorted by step', () => {
    const h = toHistory(points);
    expect(Array.from(h.step)).toEqual([0, 1, 2]);
    expect(Array.from(h.value)).toEqual([0.5, 0.3, 0.2]);
    const s = toSeries(h, 'step');
    expect(s.x).toBe(h.step);
  });
  it('uses seconds since the first point on the time axis, in time order', () => {
    const h = toHistory([
      { step: 0, timestamp: 5000, value: 1 },
      { step: 1, timestamp: 1000, value: 2 },
    ]);
    const s = toSeries(h, 'time');
    expect(Array.from(s.x)).toEqual([0, 4]);
    expect(Array.from(s.y)).toEqual([2, 1]);
    expect(Array.from(toSeries(toHistory(points), 'time').x)).toEqual([0, 1.5, 2]);
  });
});
