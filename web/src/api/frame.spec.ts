import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../../../src/experiments/history/frame';
import { decodeFrame } from './frame';

const copy = (b: Buffer) => b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer;

describe('decodeFrame (the sampled-history binary frame)', () => {
  it('reads back every series, column and non-finite value of per-series groups (float32 and float64)', () => {
    const a = { steps: Float64Array.of(0, 1, 2), values: Float64Array.of(0.25, NaN, Infinity) };
    const b = { steps: Float64Array.of(5, 2 ** 40), values: Float64Array.of(-Infinity, -1e-300) };
    const frame = encodeFrame(
      [
        { key: 'lr', series: [{ runId: 'run-a', total: 3, ...a, timestamps: Float64Array.of(10, 11, 12) }] },
        { key: 'loss/val', series: [{ runId: 'run-ü', total: 9000, ...b, timestamps: Float64Array.of(1, 2) }] },
      ],
      true,
    );
    const out = decodeFrame(copy(frame));
    expect(out.map((s) => [s.runId, s.key, s.total])).toEqual([
      ['run-a', 'lr', 3],
      ['run-ü', 'loss/val', 9000],
    ]);
    expect([...out[0].history.step]).toEqual([0, 1, 2]);
    expect([...out[0].history.value]).toEqual([0.25, NaN, Infinity]); // float32 on the wire
    expect([...out[0].history.time]).toEqual([10, 11, 12]);
    expect([...out[1].history.step]).toEqual([5, 2 ** 40]);
    expect([...out[1].history.value]).toEqual([-Infinity, -1e-300]); // float64: 1e-300 does not fit float32
  });

  it('gives every series of a shared group the same step column, with values to float32 precision', () => {
    const x = Float64Array.of(0, 4, 8);
    const frame = encodeFrame(
      [
        {
          key: 'loss',
          sharedSteps: x,
          series: [
            { runId: 'r1', total: 12, values: Float64Array.of(0.1, NaN, 3) },
            { runId: 'r2', total: 7, values: Float64Array.of(NaN, 2, -Infinity) },
          ],
        },
        { key: 'acc', series: [{ runId: 'r1', total: 1, steps: Float64Array.of(3), values: Float64Array.of(0.5) }] },
      ],
      false,
    );
    // 8-byte header padding, 3 float64 steps, 2 x 3 float32 values, padded to 8; then 1 step + 1 value, padded.
    const headerLength = frame.readUInt32LE(4);
    expect(frame.length).toBe(Math.ceil((8 + headerLength) / 8) * 8 + 24 + 24 + 16);
    const [r1, r2, acc] = decodeFrame(copy(frame));
    expect(r1.history.step).toBe(r2.history.step);
    expect([...r1.history.step]).toEqual([0, 4, 8]);
    expect(r1.history.value[0]).toBe(Math.fround(0.1));
    expect([...r2.history.value]).toEqual([NaN, 2, -Infinity]);
    expect([...r1.history.time]).toEqual([0, 0, 0]);
    expect([r2.total, acc.key, [...acc.history.step], [...acc.history.value]]).toEqual([7, 'acc', [3], [0.5]]);
  });

  it('handles an empty frame and refuses a body that is not a frame', () => {
    expect(decodeFrame(copy(encodeFrame([], false)))).toEqual([]);
    expect(() => decodeFrame(new TextEncoder().encode('{"error_code":"X"}').buffer as ArrayBuffer)).toThrow(/unknown/);
  });
});
