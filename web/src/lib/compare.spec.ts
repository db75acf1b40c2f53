import { describe, expect, it } from 'vitest';
import { bestRun, CompareRun, diffRows, goalOf } from './compare';
import { scoreRows } from './promotion';

const runs: CompareRun[] = [
  { id: 'a', params: { units: '32', lr: '0.01' }, metrics: { test_mae: 1.3, test_skill: 0.07 } },
  { id: 'b', params: { units: '32', lr: '0.001' }, metrics: { test_mae: 1.1, test_skill: 0.21 } },
  { id: 'c', params: { units: '32' }, metrics: { test_mae: NaN } },
];

describe('diff and best per metric', () => {
  it('knows which metrics are maximised', () => {
    expect(goalOf('test_skill')).toBe('max');
    expect(goalOf('val_accuracy')).toBe('max');
    expect(goalOf('test_rmse')).toBe('min');
    expect(goalOf('loss')).toBe('min');
  });
  it('marks differing keys (a missing value differs) and the best run, ignoring NaN', () => {
    const rows = diffRows(runs);
    const by = Object.fromEntries(rows.map((r) => [`${r.kind}:${r.key}`, r]));
    expect(by['param:units'].differs).toBe(false);
    expect(by['param:lr'].differs).toBe(true);
    expect(by['metric:test_mae']).toMatchObject({ differs: true, goal: 'min', best: 'b' });
    expect(by['metric:test_skill']).toMatchObject({ goal: 'max', best: 'b' });
  });
  it('keeps the first of equal values and has no best without values', () => {
    const tie: CompareRun[] = [
      { id: 'x', params: {}, metrics: { loss: 1 } },
      { id: 'y', params: {}, metrics: { loss: 1 } },
    ];
    expect(bestRun(tie, 'loss')).toBe('x');
    expect(bestRun(tie, 'nothing')).toBeUndefined();
  });
});

describe('promotion scores', () => {
  it('compares candidate and champion by goal and shows the persistence baseline', () => {
    const rows = scoreRows(
      { test_mae: 1.1, naive_test_mae: 1.4, test_skill: 0.21, loss: 0.1 },
      { test_mae: 1.3, test_skill: 0.3 },
    );
    expect(rows.map((r) => r.metric)).toEqual(['test_mae', 'test_skill', 'loss']);
    expect(rows[0]).toEqual({ metric: 'test_mae', candidate: 1.1, champion: 1.3, persistence: 1.4, verdict: 'better' });
    expect(rows[1].verdict).toBe('worse');
    expect(rows[2].verdict).toBeUndefined();
  });
});
