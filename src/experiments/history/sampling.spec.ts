import { describe, expect, it } from 'vitest';
import { encodeFrame } from './frame';
import { sampleColumns, sampleIndices } from './sampling';

const range = (n: number) => Float64Array.from({ length: n }, (_, i) => i);

describe('sampleIndices (M4 per bucket)', () => {
  it('returns every point when the series fits the target', () => {
    expect(sampleIndices(range(10), range(10), 10)).toEqual([...Array(10).keys()]);
    expect(sampleIndices([], [], 100)).toEqual([]);
  });

  it('keeps the first, the last and the global extremes, within 4 points per bucket', () => {
    const n = 10_000;
    const steps = range(n);
    const values = Float64Array.from(steps, (s) => Math.sin(s / 50));
    values[1234] = 99; // a spike
    values[8765] = -42; // a dip
    const kept = sampleIndices(steps, values, 400);
    expect(kept[0]).toBe(0);
    expect(kept[kept.length - 1]).toBe(n - 1);
    expect(kept).toContain(1234);
    expect(kept).toContain(8765);
    expect(kept.length).toBeLessThanOrEqual(400);
    expect(kept.length).toBeGreaterThan(200);
    expect([...kept].sort((a, b) => a - b)).toEqual(kept);
    expect(new Set(kept).size).toBe(kept.length);
  });

  it('cuts the step range into target/4 buckets (uneven steps included)', () => {
    const steps = Float64Array.from({ length: 1000 }, (_, i) => i * i);
    const values = Float64Array.from(steps, (_, i) => (i % 2 ? 1 : -1));
    const kept = sampleIndices(steps, values, 40);
    const buckets = new Set(kept.map((k) => Math.min(9, Math.floor((steps[k] / steps[999]) * 10))));
    expect(buckets.size).toBe(10);
    expect(kept.length).toBeLessThanOrEqual(40);
  });

  it('keeps NaN and ±Infinity visible and ignores them for the extremes', () => {
    const steps = range(1000);
    const values = Float64Array.from(steps, (s) => s / 1000);
    values[500] = NaN;
    values[501] = NaN;
    values[600] = Infinity;
    values[700] = -Infinity;
    values[999] = 0.5;
    const kept = sampleIndices(steps, values, 16);
    expect(kept).toContain(500);
    expect(kept).not.toContain(501); // one NaN per bucket is enough to show the gap
    expect(kept).toContain(600);
    expect(kept).toContain(700);
    expect(kept).toContain(998); // the finite maximum, not the Infinity
    expect(kept).toContain(999);
  });

  it('handles a single step logged many times (zero span)', () => {
    const kept = sampleIndices(new Float64Array(100), range(100), 8);
    expect(kept).toEqual([0, 99]);
  });
});

describe('sampleColumns and the binary frame', () => {
  it('picks the same indices from every column and encodes them 8-byte aligned', () => {
    const steps = range(100);
    const values = Float64Array.from(steps, (s) => (s === 42 ? NaN : s * 2));
    const timestamps = Float64Array.from(steps, (s) => 1_700_000_000_000 + s);
    const s = sampleColumns({ steps, values, timestamps }, 20);
    expect(s.steps.length).toBe(s.values.length);
    expect(s.timestamps!.length).toBe(s.steps.length);
    s.steps.forEach((st, i) => expect(s.timestamps![i]).toBe(1_700_000_000_000 + st));
    const frame = encodeFrame([{ key: 'loss', series: [{ runId: 'r1', total: 100, ...s }] }], true);
    expect(frame.subarray(0, 4).toString('latin1')).toBe('TSH2');
    const headerLength = frame.readUInt32LE(4);
    const header = JSON.parse(frame.subarray(8, 8 + headerLength).toString('utf8'));
    expect(header.groups).toEqual([
      { key: 'loss', shared: 0, f32: true, series: [{ run_id: 'r1', points: s.steps.length, total: 100 }] },
    ]);
    const start = Math.ceil((8 + headerLength) / 8) * 8;
    // float64 steps and timestamps, float32 values, padded to 8 bytes.
    expect(frame.length).toBe(start + Math.ceil((s.steps.length * 20) / 8) * 8);
    expect(frame.readDoubleLE(start)).toBe(0);
  });
});
