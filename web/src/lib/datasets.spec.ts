import { describe, expect, it } from 'vitest';
import { findings, frequencyName, pct, seriesPage, SeriesRow } from './datasets';

const rows: SeriesRow[] = Array.from({ length: 25 }, (_, i) => ({
  id: `store-${i}`,
  length: 100 + (i % 5),
  first: '2024-01-01',
  last: `2024-04-${String(10 + (i % 5)).padStart(2, '0')}`,
  missing: i === 7 ? 10 : i === 3 ? 1 : 0,
}));

describe('datasets as people read them', () => {
  it('names frequencies', () => {
    expect(frequencyName('H')).toBe('hourly');
    expect(frequencyName('D')).toBe('daily');
    expect(frequencyName('B')).toBe('business days');
    expect(frequencyName('15min')).toBe('every 15 minutes');
    expect(frequencyName('2H')).toBe('every 2 hours');
    expect(frequencyName('1D')).toBe('daily');
    expect(frequencyName('odd')).toBe('odd');
    expect(frequencyName(undefined)).toBe('');
  });

  it('turns the validation block into findings: problems first, then what was done, then inferences', () => {
    expect(
      findings({
        name: 'x',
        validation: { duplicates: 0, irregular_steps: 2, gaps: 1, notes: ['1 missing step(s) inserted'] },
        inferred: ["timestamp: 'date'"],
      }),
    ).toEqual([
      { text: '2 irregular step(s)', severity: 'problem' },
      { text: '1 missing step(s) inserted', severity: 'info' },
      { text: "inferred timestamp: 'date'", severity: 'info' },
    ]);
    expect(findings({ name: 'clean', validation: { gaps: 0, notes: [] } })).toEqual([
      { text: 'no gaps, duplicates or irregular steps', severity: 'info' },
    ]);
    expect(findings({ name: 'prices' })).toEqual([]);
  });

  it('pages, filters and sorts the series (ids in natural order, missing by share)', () => {
    const first = seriesPage(rows, { filter: '', sort: 'id', desc: false, page: 0, size: 10 });
    expect(first.rows.map((r) => r.id).slice(0, 3)).toEqual(['store-0', 'store-1', 'store-2']);
    expect(first.rows[9].id).toBe('store-9');
    expect(first).toMatchObject({ matched: 25, pages: 3, page: 0 });
    const last = seriesPage(rows, { filter: '', sort: 'id', desc: false, page: 7, size: 10 });
    expect(last.page).toBe(2);
    expect(last.rows).toHaveLength(5);
    const some = seriesPage(rows, { filter: 'E-1', sort: 'id', desc: true, page: 0, size: 50 });
    expect(some.matched).toBe(11);
    expect(some.rows[0].id).toBe('store-19');
    const worst = seriesPage(rows, { filter: '', sort: 'missing', desc: true, page: 0, size: 2 });
    expect(worst.rows.map((r) => r.id)).toEqual(['store-7', 'store-3']);
    expect(seriesPage([], { filter: '', sort: 'id', desc: false, page: 0, size: 10 })).toMatchObject({
      rows: [],
      matched: 0,
      pages: 1,
    });
  });

  it('writes shares as percentages, small ones with more digits', () => {
    expect(pct(0.25)).toBe('25.0 %');
    expect(pct(0.00012)).toBe('0.012 %');
    expect(pct(0)).toBe('0.0 %');
    expect(pct(undefined)).toBe('');
  });
});
