import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../../../src/experiments/history/frame';
import { decodeFrame } from './frame';

const copy = (b: Buffer) => b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer;

describe('decodeFrame (the sampled-history binary frame)', () => {
  it('reads back every series, column and non-finite value the server encoded', () => {
    const a = { steps: Float64Array.of(0, 1, 2), values: Float64Array.of(0.001, NaN, Infinity) };
    const b = { steps: Float64Array.of(5, 2 ** 40), values: Float64Array.of(-Infinity, -1e-300) };
    const frame = encodeFrame(
      [
        { runId: 'run-a', key: 'lr', total: 3, ...a, timestamps: Float64Array.of(10, 11, 12) },
        { runId: 'run-ü', key: 'loss/val', total: 9000, ...b, timestamps: Float64Array.of(1, 2) },
      ],
      true,
    );
    const out = decodeFrame(copy(frame));
    expect(out.map((s) => [s.runId, s.key, s.total])).toEqual([
      ['run-a', 'lr', 3],
      ['run-ü', 'loss/val', 9000],
    ]);
    expect([...out[0].history.step]).toEqual([0, 1, 2]);
    expect([...out[0].history.value]).toEqual([0.001, NaN, Infinity]);
    expect([...out[0].history.time]).toEqual([10, 11, 12]);
    expect([...out[1].history.step]).toEqual([5, 2 ** 40]);
    expect([...out[1].history.value]).toEqual([-Infinity, -1e-300]);
  });

  it('gives zero timestamps when none were sent, and handles an empty frame', () => {
    const frame = encodeFrame(
      [{ runId: 'r', key: 'k', total: 1, steps: Float64Array.of(3), values: Float64Array.of(4) }],
      false,
    );
    const [s] = decodeFrame(copy(frame));
    expect([...s.history.time]).toEqual([0]);
    expect(decodeFrame(copy(encodeFrame([], false)))).toEqual([]);
  });

  it('refuses a body that is not a frame', () => {
    expect(() => decodeFrame(new TextEncoder().encode('{"error_code":"X"}').buffer as ArrayBuffer)).toThrow(/unknown/);
  });
});
