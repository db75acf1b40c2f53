import { describe, expect, it } from 'vitest';
import type { BulkIntervalQuery } from '../tracking.store';
import { sampleSteps } from './bulk-interval';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const pts = (runId: string, steps: number[]) => steps.map((step) => ({ runId, step }));
const q = (over: Partial<BulkIntervalQuery> = {}): BulkIntervalQuery => ({
  runIds: [],
  key: 'loss',
  maxResults: 2500,
  ...over,
});

describe('sampleSteps (mlflow-api.md T23)', () => {
  it('returns nothing without points', () => {
    expect(sampleSteps([], q())).toEqual([]);
  });

  it('keeps every distinct step when there are at most max_results', () => {
    expect(sampleSteps([...pts('a', [3, 1, 2]), ...pts('b', [2, 3, 7])], q({ maxResults: 4 }))).toEqual([1, 2, 3, 7]);
    expect(sampleSteps(pts('a', range(0, 9)), q({ maxResults: 10 }))).toEqual(range(0, 9));
  });

  it('otherwise takes max_results evenly spaced steps (floor(i * n / max)) plus the last', () => {
    // 10 steps, 3 samples: stride 3.33 -> indices 0, 3, 6, plus the last.
    expect(sampleSteps(pts('a', range(0, 9)), q({ maxResults: 3 }))).toEqual([0, 3, 6, 9]);
    expect(sampleSteps(pts('a', range(0, 99)), q({ maxResults: 10 }))).toEqual([
      0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 99,
    ]);
    expect(sampleSteps(pts('a', range(0, 9)), q({ maxResults: 1 }))).toEqual([0, 9]);
    // Sparse steps are sampled by position, not by value.
    expect(sampleSteps(pts('a', [0, 1, 2, 1000, 2000, 5000]), q({ maxResults: 2 }))).toEqual([0, 1000, 5000]);
  });

  it("always adds each run's own min and max step", () => {
    const points = [...pts('a', range(0, 99)), ...pts('b', [5, 55])];
    expect(sampleSteps(points, q({ maxResults: 10 }))).toEqual([0, 5, 10, 20, 30, 40, 50, 55, 60, 70, 80, 90, 99]);
  });

  it('restricts to [start_step, end_step]; run extremes outside the range are not added', () => {
    const points = [...pts('a', range(0, 100)), ...pts('b', [5, 12, 100])];
    // 21 steps in [10, 30], 4 samples (stride 5.25): indices 0, 5, 10, 15, plus 30. b's 12 is not its min.
    expect(sampleSteps(points, q({ startStep: 10, endStep: 30, maxResults: 4 }))).toEqual([10, 15, 20, 25, 30]);
    expect(sampleSteps(points, q({ startStep: 50, endStep: 100, maxResults: 2 }))).toEqual([50, 75, 100]);
    expect(sampleSteps(points, q({ startStep: 20, endStep: 25 }))).toEqual(range(20, 25));
    expect(sampleSteps(points, q({ startStep: 200, endStep: 300 }))).toEqual([]);
  });

  it('defaults the range to [0, max step]: negative steps only when asked for', () => {
    const points = pts('a', range(-5, 5));
    expect(sampleSteps(points, q())).toEqual(range(0, 5));
    expect(sampleSteps(points, q({ startStep: -5, endStep: 5 }))).toEqual(range(-5, 5));
    expect(sampleSteps(pts('a', [-3, -1]), q())).toEqual([]);
  });

  it('counts a step logged by several runs once', () => {
    expect(
      sampleSteps([...pts('a', [0, 1, 2, 3]), ...pts('b', [0, 1, 2, 3]), ...pts('a', [3])], q({ maxResults: 2 })),
    ).toEqual([0, 2, 3]);
  });
});
