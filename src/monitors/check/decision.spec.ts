import { describe, expect, it } from 'vitest';
import { decide, DecisionInput } from './decision';
import { scoreNewDays, windowSkill } from './live-scoring';

const base: DecisionInput = {
  thresholds: { minScoredDays: 5, skillWindowDays: 20, driftWindowDays: 60, cooldownDays: 10 },
  daysSinceTraining: 10,
  scoredDays: 8,
  liveSkill: 0.01,
  skillWindowDays: 20,
  drift: { returns: { psi: 0.05, ks: 0.1 }, volume: { psi: 0.3, ks: 0.3 } },
  retrainPending: null,
  daysSinceRetrain: null,
  canRetrain: true,
};

describe('retrain decision', () => {
  it('no rule on: none, saying no thresholds are set (even at volume PSI 6.5)', () => {
    const drifted = { ...base, drift: { returns: { psi: 0.05, ks: 0.1 }, volume: { psi: 6.5, ks: 0.9 } } };
    expect(decide(drifted)).toEqual({
      decision: 'none',
      reasons: ['no thresholds set: nothing can trigger a retrain'],
    });
  });

  it('rules on and none crossed: all thresholds met', () => {
    expect(decide({ ...base, thresholds: { ...base.thresholds, maxPsi: 0.5 } })).toEqual({
      decision: 'none',
      reasons: ['all thresholds met'],
    });
  });

  it('an as_of before the champion training end never retrains, whatever the thresholds say', () => {
    const d = decide({ ...base, daysSinceTraining: -92, thresholds: { ...base.thresholds, retrainEveryDays: 1 } });
    expect(d.decision).toBe('none');
    expect(d.reasons).toEqual([
      "as_of is 92 day(s) before the champion's training end: nothing after its training to judge, and a retrain " +
        'would use older data than the champion: not retraining',
    ]);
  });

  it('each rule gives its reason', () => {
    const d = decide({
      ...base,
      thresholds: { ...base.thresholds, retrainEveryDays: 7, maxNewDays: 8, minSkill: 0.05, maxPsi: 0.25, maxKs: 0.5 },
    });
    expect(d.decision).toBe('retrain');
    expect(d.reasons).toEqual([
      'schedule elapsed: 10 days since training end >= 7',
      'enough new days: 8 scored days >= 8',
      'live skill 0.0100 over the last 20 days < 0.05',
      'drift: volume PSI 0.3000 > 0.25',
    ]);
  });

  it('skill waits for enough scored days; a pending retrain or no spec blocks another', () => {
    const t = { ...base.thresholds, minSkill: 0.5 };
    expect(decide({ ...base, thresholds: t, scoredDays: 4 }).decision).toBe('none');
    const pending = decide({ ...base, thresholds: t, retrainPending: 'grid-1' });
    expect(pending.decision).toBe('none');
    expect(pending.reasons.at(-1)).toContain('grid-1 still running');
    expect(decide({ ...base, thresholds: t, canRetrain: false }).reasons.at(-1)).toContain('no retraining spec');
    const cooling = decide({ ...base, thresholds: t, daysSinceRetrain: 9 });
    expect(cooling.decision).toBe('none');
    expect(cooling.reasons.at(-1)).toBe('cooldown: last retrain 9 days ago < 10');
    expect(decide({ ...base, thresholds: t, daysSinceRetrain: 10 }).decision).toBe('retrain');
  });
});

describe('live scoring', () => {
  const bars = [100, 101, 103, 102, 105, 107].map((close, i) => ({
    date: `2024-01-0${i + 1}`,
    open: close,
    high: close,
    low: close,
    close,
    adjClose: close,
    volume: 1,
  }));
  // A "model" that forecasts the mean of its window's closes: easy to compute by hand.
  const model = {
    seqLength: 2,
    horizon: 1,
    inputRows: (bs: readonly { close: number }[]) => bs.map((b) => [b.close]),
    predictBatch: (ws: readonly (number[] | number[][])[]) =>
      ws.map((w) => (w as number[][]).reduce((s, r) => s + r[0], 0) / w.length),
    intervals: () => [],
  };
  // The same model with an 80% interval of ±2 around its forecast.
  const banded = {
    ...model,
    intervals: (point: number) => [{ level: 0.8, lower: point - 2, upper: point + 2 }],
  };

  it('scores exactly the days after the given date, with full windows', () => {
    const days = scoreNewDays(model, bars, '2024-01-03');
    expect(days).toEqual([
      { date: '2024-01-04', predicted: 102, actual: 102, naive: 103 },
      { date: '2024-01-05', predicted: 102.5, actual: 105, naive: 102 },
      { date: '2024-01-06', predicted: 103.5, actual: 107, naive: 105 },
    ]);
    expect(scoreNewDays(model, bars, '2024-01-06')).toEqual([]);
    // The first two bars cannot be targets (no full window before them).
    expect(scoreNewDays(model, bars, '2000-01-01').map((d) => d.date)[0]).toBe('2024-01-03');
  });

  it('window skill against persistence', () => {
    const days = scoreNewDays(model, bars, '2024-01-03');
    const s = windowSkill(days, 2);
    expect(s.days).toBe(2);
    expect(s.liveMae).toBeCloseTo((2.5 + 3.5) / 2, 12);
    expect(s.naiveMae).toBeCloseTo((3 + 2) / 2, 12);
    expect(s.liveSkill).toBeCloseTo(1 - 3 / 2.5, 12);
    expect(s.intervalCoverage).toBeNull(); // no intervals: no coverage
    expect(windowSkill([], 5)).toEqual({
      days: 0,
      liveMae: null,
      naiveMae: null,
      liveSkill: null,
      intervalCoverage: null,
    });
  });

  it('interval coverage: the share of days whose actual close fell inside the first level', () => {
    const days = scoreNewDays(banded, bars, '2024-01-03');
    // Errors |actual - predicted|: 0, 2.5, 3.5 -> only the first is inside ±2.
    expect(days.map((d) => [d.interval_level, d.covered])).toEqual([
      [0.8, true],
      [0.8, false],
      [0.8, false],
    ]);
    expect(windowSkill(days, 3).intervalCoverage).toBeCloseTo(1 / 3, 12);
    expect(windowSkill(days, 2).intervalCoverage).toBe(0);
  });
});
