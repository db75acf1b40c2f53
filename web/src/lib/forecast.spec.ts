import { describe, expect, it } from 'vitest';
import { skillAgainstPersistence, toForecastPoints } from './forecast';

describe('forecast vs persistence', () => {
  it('reads /predict date-form answers, intervals in either shape, sorted by date', () => {
    const pts = toForecastPoints([
      { date: '2024-01-03', predicted: 11, actual: 12, interval: { lower: 10, upper: 13 } },
      {
        date: '2024-01-05',
        predicted: 12,
        actual: 12.5,
        intervals: [
          { level: 0.8, lower: 11, upper: 13 },
          { level: 0.95, lower: 10, upper: 14 },
        ],
      },
      { date: '2024-01-02', predicted: 10, actual: 10, lower: 9, upper: 11 },
      { date: '2024-01-04', predicted: 12.5 },
      42,
    ]);
    expect(pts.map((p) => p.date)).toEqual(['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05']);
    expect(pts[1]).toEqual({ date: '2024-01-03', predicted: 11, actual: 12, lower: 10, upper: 13 });
    // tsflow's /predict shape: the first (narrowest) level is the band.
    expect(pts[3]).toEqual({ date: '2024-01-05', predicted: 12, actual: 12.5, lower: 11, upper: 13, level: 0.8 });
    expect(pts[2].actual).toBeUndefined();
  });
  it('scores skill = 1 - mae/mae_persistence over days with a previous actual, and interval coverage', () => {
    const s = skillAgainstPersistence([
      { date: 'd1', predicted: 0, actual: 10 },
      { date: 'd2', predicted: 11, actual: 12, lower: 10, upper: 13 }, // model err 1, naive err 2
      { date: 'd3', predicted: 12, actual: 16, lower: 11, upper: 13 }, // model err 4, naive err 4
      { date: 'd4', predicted: 1 }, // no actual: skipped
    ])!;
    expect(s.n).toBe(2);
    expect(s.maeModel).toBe(2.5);
    expect(s.maePersistence).toBe(3);
    expect(s.skill).toBeCloseTo(1 / 6, 12);
    expect(s.coverage).toBe(0.5);
    expect(skillAgainstPersistence([{ date: 'd1', predicted: 1, actual: 1 }])).toBeUndefined();
  });
});
