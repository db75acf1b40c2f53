import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addPoints,
  buildSummary,
  decodeSummary,
  emptySummary,
  encodeSummary,
  NAN_SEEN,
  NEG_INF_SEEN,
  Point,
  POS_INF_SEEN,
  Summary,
  SUMMARY_BUCKETS,
} from './summary';

const value = fc.oneof(
  { weight: 8, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, 1.7976931348623157e308, 0, -0) },
);
const point = fc.record({
  step: fc.oneof(fc.integer({ min: -50, max: 5000 }), fc.integer({ min: -(2 ** 40), max: 2 ** 40 })),
  timestamp: fc.integer({ min: 0, max: 1000 }),
  value,
});
const history = fc.array(point, { minLength: 1, maxLength: 400 });

const sorted = (ps: Point[]) => [...ps].sort((a, b) => a.step - b.step || a.timestamp - b.timestamp);
const fromScratch = (ps: Point[]) => addPoints(emptySummary(), sorted(ps));
/** Equal as stored (NaN == NaN, -0 == 0 would differ in a blob: compare the blobs). */
const same = (a: Summary, b: Summary) => expect(Buffer.from(encodeSummary(a))).toEqual(Buffer.from(encodeSummary(b)));

describe('metric history summaries', () => {
  it('incremental updates in any order, in batches, with duplicates == the summary built from scratch', () => {
    fc.assert(
      fc.property(history, fc.array(fc.nat(), { maxLength: 6 }), fc.boolean(), (ps, cuts, dup) => {
        const shuffled = [...ps].reverse();
        const batches: Point[][] = [];
        let at = 0;
        for (const c of [...cuts.map((c) => c % (ps.length + 1)), ps.length].sort((a, b) => a - b)) {
          batches.push(shuffled.slice(at, c));
          at = c;
        }
        if (dup) batches.push(ps.slice(0, 3));
        const incremental = batches.reduce((s, b) => addPoints(s, b), emptySummary());
        // Only the point count (an estimate) sees a duplicate twice.
        expect(incremental.points).toBe(ps.length + (dup ? Math.min(3, ps.length) : 0));
        same({ ...incremental, points: ps.length }, fromScratch(ps));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the endpoints, the finite extremes and every non-finite kind, within the bucket budget', () => {
    fc.assert(
      fc.property(history, (ps) => {
        const s = fromScratch(ps);
        const byOrder = sorted(ps);
        expect(s.buckets.length).toBeLessThanOrEqual(SUMMARY_BUCKETS);
        expect(Math.log2(s.width) % 1).toBe(0);
        expect(s.origin % s.width === 0).toBe(true);
        expect(s.buckets[0].firstStep).toBe(byOrder[0].step);
        expect(s.buckets[s.buckets.length - 1].lastStep).toBe(byOrder[byOrder.length - 1].step);
        const finite = ps.map((p) => p.value + 0).filter((v) => Number.isFinite(v) && Math.abs(v) < 1.7e308);
        const mins = s.buckets.map((b) => b.min).filter((v) => !Number.isNaN(v));
        const maxs = s.buckets.map((b) => b.max).filter((v) => !Number.isNaN(v));
        if (finite.length) {
          expect(Math.min(...mins)).toBe(Math.min(...finite));
          expect(Math.max(...maxs)).toBe(Math.max(...finite));
        } else expect(mins).toEqual([]);
        const flags = s.buckets.reduce((f, b) => f | b.flags, 0);
        expect(!!(flags & NAN_SEEN)).toBe(ps.some((p) => Number.isNaN(p.value)));
        expect(!!(flags & POS_INF_SEEN)).toBe(ps.some((p) => p.value >= 1.7976931348623157e308));
        expect(!!(flags & NEG_INF_SEEN)).toBe(ps.some((p) => p.value === -Infinity));
        for (const b of s.buckets) {
          expect(b.firstStep).toBeGreaterThanOrEqual(s.origin + b.index * s.width);
          expect(b.lastStep).toBeLessThan(s.origin + (b.index + 1) * s.width);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('doubles the width (merging pairs) as the steps outgrow the buckets', () => {
    const steps = (n: number) => Array.from({ length: n }, (_, i) => ({ step: i, timestamp: i, value: i % 7 }));
    expect(fromScratch(steps(64)).width).toBe(1);
    expect(fromScratch(steps(65)).width).toBe(2);
    const s = fromScratch(steps(1000));
    expect(s.width).toBe(16);
    expect(s.buckets).toHaveLength(63);
    expect(s.buckets[0]).toMatchObject({ firstStep: 0, lastStep: 15, min: 0, max: 6, minStep: 0, maxStep: 6 });
  });

  it('round-trips through its blob and refuses a foreign one', () => {
    const s = buildSummary({
      steps: Float64Array.of(-3, 0, 7, 7),
      timestamps: Float64Array.of(1, 2, 3, 4),
      values: Float64Array.of(NaN, 1e-300, Infinity, -2),
    });
    same(decodeSummary(encodeSummary(s))!, s);
    expect(decodeSummary(new Uint8Array(10))).toBeUndefined();
    expect(decodeSummary(new Uint8Array(encodeSummary(s).length + 1))).toBeUndefined();
  });
});
