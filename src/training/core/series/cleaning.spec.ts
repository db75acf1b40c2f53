import { describe, expect, it } from 'vitest';
import { DailyBar } from './bars';
import { readBundledCsv } from './bundled-data';
import { cleanBars } from './cleaning';

const bar = (date: string, close: number | null, extra: Partial<DailyBar> = {}): DailyBar => ({
  date,
  open: close,
  high: close,
  low: close,
  close,
  adjClose: close,
  volume: close === null ? null : 100,
  ...extra,
});

describe('cleanBars on the real quirks of the bundled files', () => {
  const petr4 = cleanBars(readBundledCsv('PETR4.SA.csv'));

  it('PETR4: fills the 2004-11-02 null row from the day before (never the day after), with volume 0', () => {
    const { report, bars } = petr4;
    expect(report).toMatchObject({
      input_rows: 6077,
      output_rows: 6077,
      null_rows: 1,
      null_rows_filled: 1,
      null_rows_dropped: 0,
    });
    expect(report.examples.null_rows).toEqual(['2004-11-02']);
    const i = bars.findIndex((b) => b.date === '2004-11-02');
    const [prev, row] = bars.slice(i - 1, i + 1);
    expect(row).toMatchObject({ open: prev.close, high: prev.close, low: prev.close, close: prev.close, volume: 0 });
  });

  it('PETR4: counts the 146 zero-volume days and repairs the 20 OHLC contradictions', () => {
    const { report, bars } = petr4;
    expect(report.zero_volume_days).toBe(146);
    expect(report.ohlc_repaired).toBe(20);
    expect(report.examples.ohlc_repaired).toContain('2014-04-02');
    expect(report.examples.ohlc_repaired.filter((d) => d.startsWith('2006'))).toHaveLength(19);
    for (const b of bars) {
      expect(b.low).toBeLessThanOrEqual(Math.min(b.open, b.close));
      expect(b.high).toBeGreaterThanOrEqual(Math.max(b.open, b.close));
    }
  });

  it('PETR4: reports the missing 2012-02-22 (Carnival + Ash Wednesday) as a gap without inventing rows', () => {
    expect(petr4.report.gaps).toContainEqual({ from: '2012-02-17', to: '2012-02-23', calendar_days: 6 });
    expect(petr4.bars.some((b) => b.date === '2012-02-22')).toBe(false);
  });

  it('^BVSP: 178 null rows, filled or dropped by strategy', () => {
    const raw = readBundledCsv('^BVSP.csv');
    const interp = cleanBars(raw);
    expect(interp.report.null_rows).toBe(178);
    expect(interp.report.null_rows_filled + interp.report.null_rows_dropped).toBe(178);
    expect(interp.bars.every((b) => Number.isFinite(b.close) && b.close > 0)).toBe(true);
    const dropped = cleanBars(raw, { strategy: 'drop' });
    expect(dropped.report).toMatchObject({
      strategy: 'drop',
      null_rows: 178,
      null_rows_dropped: 178,
      output_rows: 7818 - 178,
    });
    expect(interp.report.zero_volume_days).toBe(3369);
  });

  it('MSFT: reports the 2001-09-11..14 closure as a gap; no other fixes needed', () => {
    const { report } = cleanBars(readBundledCsv('MSFT.csv'));
    expect(report.gaps).toContainEqual({ from: '2001-09-10', to: '2001-09-17', calendar_days: 7 });
    expect(report).toMatchObject({
      null_rows: 0,
      zero_volume_days: 0,
      ohlc_repaired: 0,
      duplicate_dates: 0,
      unsorted_dates: 0,
      output_rows: 9670,
    });
  });

  it('BTC-USD: every calendar day, so no gaps; AAPL: one null row', () => {
    expect(cleanBars(readBundledCsv('BTC-USD.csv')).report.gaps_over_4_days).toBe(0);
    expect(cleanBars(readBundledCsv('AAPL.csv')).report.examples.null_rows).toEqual(['1981-08-10']);
  });

  it('produces a plain JSON report', () => {
    expect(JSON.parse(JSON.stringify(petr4.report))).toEqual(petr4.report);
  });
});

describe('cleanBars on hand-made cases', () => {
  it('sorts, keeps the last of duplicate dates and counts both', () => {
    const input = [bar('2024-01-03', 3), bar('2024-01-02', 2), bar('2024-01-03', 30), bar('2024-01-04', 4)];
    const { bars, report } = cleanBars(input);
    expect(bars.map((b) => [b.date, b.close])).toEqual([
      ['2024-01-02', 2],
      ['2024-01-03', 30],
      ['2024-01-04', 4],
    ]);
    expect(report).toMatchObject({ unsorted_dates: 1, duplicate_dates: 1, output_rows: 3 });
    expect(input[0].close).toBe(3); // input untouched
  });

  it('treats non-positive prices as missing and fills them from the past only', () => {
    const { bars, report } = cleanBars([
      bar('2024-01-01', 10),
      bar('2024-01-02', 0),
      bar('2024-01-03', -1),
      bar('2024-01-04', 40),
    ]);
    expect(report).toMatchObject({ non_positive_prices: 2, null_rows: 2, null_rows_filled: 2, strategy: 'ffill' });
    expect(bars.map((b) => b.close)).toEqual([10, 10, 10, 40]);
    // the legacy name means the same (no look-ahead)
    expect(
      cleanBars([bar('2024-01-01', 10), bar('2024-01-02', null), bar('2024-01-03', 30)], {
        strategy: 'interpolate',
      }).bars.map((b) => b.close),
    ).toEqual([10, 10, 30]);
  });

  it('drops leading null rows (nothing before them) and fills trailing ones', () => {
    const { bars, report } = cleanBars([
      bar('2024-01-01', null),
      bar('2024-01-02', 5),
      bar('2024-01-03', 6),
      bar('2024-01-04', null),
    ]);
    expect(bars.map((b) => [b.date, b.close])).toEqual([
      ['2024-01-02', 5],
      ['2024-01-03', 6],
      ['2024-01-04', 6],
    ]);
    expect(report).toMatchObject({ null_rows: 2, null_rows_dropped: 1, null_rows_filled: 1 });
  });

  it('fills partial rows from their close and repairs high/low', () => {
    const { bars, report } = cleanBars([
      bar('2024-01-01', 10, { open: null, volume: null }),
      bar('2024-01-02', 10, { open: 12, high: 11, low: 9 }),
    ]);
    expect(bars[0]).toMatchObject({ open: 10, high: 10, low: 10, volume: 0 });
    expect(bars[1]).toMatchObject({ open: 12, high: 12, low: 9 });
    expect(report).toMatchObject({ null_fields_filled: 2, ohlc_repaired: 1, null_rows: 0 });
  });

  it('only reports gaps longer than 4 calendar days', () => {
    const { report } = cleanBars([bar('2024-03-28', 1), bar('2024-04-01', 1), bar('2024-04-08', 1)]);
    expect(report.gaps).toEqual([{ from: '2024-04-01', to: '2024-04-08', calendar_days: 7 }]);
  });
});
