import { describe, expect, it } from 'vitest';
import type { WindowInput } from '../training/core';
import { MicroBatcher } from './micro-batcher';

/** Sums each window; a window containing -1 makes the whole call throw. */
class SumModel {
  calls: number[] = [];
  predictBatch(windows: readonly WindowInput[]): number[] {
    this.calls.push(windows.length);
    if (windows.some((w) => (w as number[]).includes(-1))) throw new Error('bad window');
    return windows.map((w) => (w as number[]).reduce((a, b) => a + b, 0));
  }
}

describe('MicroBatcher', () => {
  it('concurrent requests share one forward pass and each gets its own answer', async () => {
    const model = new SumModel();
    const batcher = new MicroBatcher(model);
    const answers = await Promise.all(
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ].map((w) => batcher.predict(w)),
    );
    expect(answers).toEqual([3, 7, 11]);
    expect(model.calls).toEqual([3]);
  });

  it('a request alone is answered on the next turn; later requests start a new batch', async () => {
    const model = new SumModel();
    const batcher = new MicroBatcher(model);
    expect(await batcher.predict([1])).toBe(1);
    expect(await batcher.predict([2])).toBe(2);
    expect(model.calls).toEqual([1, 1]);
  });

  it('batches are capped; the rest follow in the next pass', async () => {
    const model = new SumModel();
    const batcher = new MicroBatcher(model, 4);
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => batcher.predict([i])));
    expect(answers).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(model.calls).toEqual([4, 4, 2]);
  });

  it('a failing window fails alone', async () => {
    const model = new SumModel();
    const batcher = new MicroBatcher(model);
    const results = await Promise.allSettled([batcher.predict([1]), batcher.predict([-1]), batcher.predict([2])]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[2] as PromiseFulfilledResult<number>).value).toBe(2);
  });
});
