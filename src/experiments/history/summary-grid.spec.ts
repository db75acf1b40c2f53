import { describe, expect, it } from 'vitest';
import { buildSummary } from './summary';
import { bucketBudget, summaryGrid } from './summary-grid';

const history = (steps: number[], value: (s: number) => number) => {
  const s = Float64Array.from(steps);
  return buildSummary({ steps: s, timestamps: s, values: Float64Array.from(steps, value) });
};
const range = (from: number, n: number, by = 1) => Array.from({ length: n }, (_, i) => from + i * by);

describe('summaryGrid (many runs on one step grid)', () => {
  it('puts runs of different lengths and widths on one aligned grid, extremes in step order', () => {
    const long = history(range(0, 1000), (s) => (s === 500 ? 99 : s === 501 ? -99 : 1));
    const short = history(range(0, 100), (s) => s);
    const g = summaryGrid(
      [
        { runId: 'long', summary: long },
        { runId: 'short', summary: short },
      ],
      64,
    );
    expect(g.x.length).toBe(63 * 4); // width 16: 63 buckets of 4 points
    expect([...g.x.slice(0, 5)]).toEqual([0, 4, 8, 12, 16]);
    const [l, s] = g.series.map((x) => x.values);
    const at = g.x.indexOf(496); // the bucket of steps 496..511
    expect([...l.slice(at, at + 4)]).toEqual([1, 99, -99, 1]);
    expect(Math.max(...l)).toBe(99);
    expect([s[0], s[3]]).toEqual([0, 15]);
    expect(s.slice(7 * 4).every(Number.isNaN)).toBe(true); // no points after step 99
    expect(g.series.map((x) => x.total)).toEqual([1000, 100]);
  });

  it('coarsens the grid to the bucket budget, and draws one point per step when the width is 1', () => {
    const runs = range(0, 3).map((r) => ({ runId: `r${r}`, summary: history(range(0, 1000), (s) => s * r) }));
    expect(summaryGrid(runs, 16).x.length).toBeLessThanOrEqual(16 * 4);
    const small = summaryGrid([{ runId: 'a', summary: history(range(-5, 10), (s) => s) }], 64);
    expect([...small.x]).toEqual(range(-5, 10));
    expect([...small.series[0].values]).toEqual(range(-5, 10));
  });

  it('budgets fewer buckets per run as runs grow, within the chart width', () => {
    expect(bucketBudget(1, 1200)).toBe(300);
    expect(bucketBudget(1000, 1200)).toBe(100);
    expect(bucketBudget(100_000, 1200)).toBe(8);
  });
});
