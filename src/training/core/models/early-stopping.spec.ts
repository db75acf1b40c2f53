import { describe, expect, it } from 'vitest';
import { EarlyStopping } from './early-stopping';

/** Drives the stopper with a val_loss sequence; the "weights" are the epoch numbers. */
function run(patience: number, valLosses: number[]) {
  const released: number[] = [];
  let epoch = 0;
  const es = new EarlyStopping(
    patience,
    () => epoch,
    (w) => released.push(w),
  );
  let stoppedAt = 0;
  for (const v of valLosses) {
    epoch++;
    if (es.update({ epoch, loss: v, val_loss: v })) {
      stoppedAt = epoch;
      break;
    }
  }
  let restored: number | null = null;
  es.restoreBest((w) => (restored = w));
  return { es, stoppedAt, restored, released };
}

describe('EarlyStopping', () => {
  it('stops after `patience` epochs without improvement and restores the best epoch', () => {
    const { es, stoppedAt, restored, released } = run(2, [5, 4, 3, 3.5, 3.2, 1]);
    expect(stoppedAt).toBe(5);
    expect(es).toMatchObject({ stopped: true, bestEpoch: 3, bestValLoss: 3 });
    expect(restored).toBe(3);
    expect(released).toEqual([1, 2]); // earlier snapshots freed as soon as they are beaten
    expect(es.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4, 5]);
  });

  it('patience 0 stops at the first non-improving epoch (Keras semantics)', () => {
    expect(run(0, [5, 4, 4, 1]).stoppedAt).toBe(3);
  });

  it('does not restore when the last epoch is the best, and never treats NaN as improvement', () => {
    expect(run(3, [3, 2, 1]).restored).toBeNull();
    const nan = run(1, [2, NaN, 1]);
    expect(nan.stoppedAt).toBe(2);
    expect(nan.restored).toBe(1);
  });

  it('frees the remaining snapshot on dispose', () => {
    const { es, released } = run(5, [3, 2]);
    es.dispose();
    expect(released).toEqual([1, 2]);
  });
});
