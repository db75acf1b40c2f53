import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TrainingInputError } from '../errors';
import { fillForward } from './builder';
import { calendarFeatures } from './calendar';
import { gridIndex, inferFrequency, parseFrequency, seasonalPeriods, timestampAt } from './frequency';
import { parseTimestamp } from './timestamps';
import { SeriesUploadParser } from './upload';

const day = (s: string) => Date.parse(`${s}T00:00:00Z`);

function parse(text: string, mapping = {}, format: 'csv' | 'ndjson' = 'csv') {
  const p = new SeriesUploadParser('x.csv', format, mapping);
  // Fed in small pieces, as a streamed upload arrives.
  for (let i = 0; i < text.length; i += 7) p.push(text.slice(i, i + 7));
  return p.end('x');
}

function dailyPanel(ids: string[], days: number): string {
  const rows = ['date,store,sales,price'];
  for (const id of ids)
    for (let d = 0; d < days; d++) {
      const t = new Date(day('2024-01-01') + d * 86_400_000).toISOString().slice(0, 10);
      rows.push(`${t},${id},${10 + (d % 7)},${1.5}`);
    }
  return rows.join('\n');
}

describe('timestamps and frequencies', () => {
  it('parses dates, months, date-times and offsets as UTC instants', () => {
    expect(parseTimestamp('2024-02-29')).toBe(day('2024-02-29'));
    expect(parseTimestamp('1949-01')).toBe(day('1949-01-01'));
    expect(parseTimestamp('2024-01-01 13:30')).toBe(day('2024-01-01') + 13.5 * 3_600_000);
    expect(parseTimestamp('2024-01-01T02:00:00+02:00')).toBe(day('2024-01-01'));
    expect(parseTimestamp('2023-02-29')).toBeUndefined();
    expect(parseTimestamp('12.5')).toBeUndefined();
  });

  it('infers minutes, hours, days, business days, weeks and calendar months', () => {
    const seq = (start: number, step: number, n: number) => Array.from({ length: n }, (_, i) => start + i * step);
    expect(inferFrequency([seq(0, 15 * 60_000, 10)])?.alias).toBe('15min');
    expect(inferFrequency([seq(0, 3_600_000, 10)])?.alias).toBe('H');
    expect(inferFrequency([seq(day('2024-01-01'), 86_400_000, 10)])?.alias).toBe('D');
    expect(inferFrequency([seq(day('2024-01-01'), 7 * 86_400_000, 10)])?.alias).toBe('W');
    const weekdays = seq(day('2024-01-01'), 86_400_000, 21).filter((t) => ![0, 6].includes(new Date(t).getUTCDay()));
    expect(inferFrequency([weekdays])?.alias).toBe('B');
    const months = Array.from({ length: 14 }, (_, i) => Date.UTC(2023, i, 1));
    expect(inferFrequency([months])?.alias).toBe('M');
    const ends = Array.from({ length: 14 }, (_, i) => Date.UTC(2023, i + 1, 1) - 86_400_000);
    const m = inferFrequency([ends])!;
    expect(m.alias).toBe('M');
    expect(timestampAt(m, ends[0], 1)).toBe(ends[1]);
    expect(gridIndex(m, ends[0], ends[13])).toBe(13);
  });

  it('gives seasonal periods from the frequency', () => {
    expect(seasonalPeriods(parseFrequency('H'))).toEqual([24, 168]);
    expect(seasonalPeriods(parseFrequency('D'))).toEqual([7, 365.25]);
    expect(seasonalPeriods(parseFrequency('W'))).toEqual([52]);
    expect(seasonalPeriods(parseFrequency('M'))).toEqual([12]);
    expect(seasonalPeriods(parseFrequency('30min'))).toEqual([48, 336]);
    expect(() => parseFrequency('fortnightly')).toThrow(/Unknown frequency 'fortnightly'/);
  });

  it('business-day grid positions skip weekends', () => {
    const b = parseFrequency('B');
    expect(gridIndex(b, day('2024-01-05'), day('2024-01-08'))).toBe(1); // Fri → Mon
    expect(gridIndex(b, day('2024-01-05'), day('2024-01-06'))).toBeNaN();
    expect(timestampAt(b, day('2024-01-05'), 1)).toBe(day('2024-01-08'));
  });
});

describe('series uploads', () => {
  it('infers the mapping of a long-format panel and says why', () => {
    const { dataset, description } = parse(dailyPanel(['a', 'b'], 30));
    expect(description.series_count).toBe(2);
    expect(description.frequency).toBe('D');
    expect(description.seasonal_periods).toEqual([7, 365.25]);
    expect(description.length).toEqual({ min: 30, max: 30, mean: 30 });
    expect(description.columns).toEqual([
      { name: 'date', role: 'timestamp' },
      { name: 'store', role: 'series_id' },
      { name: 'sales', role: 'target' },
      { name: 'price', role: 'observed' },
    ]);
    expect(description.inferred?.join(' ')).toMatch(/timestamp: 'date'.*series_id: 'store'.*target: 'sales'/);
    expect(dataset.series[1].values[3]).toBe(13);
    expect(description.digest).toMatch(/^[0-9a-f]{16}$/);
  });

  it('reads a declared mapping from NDJSON with known covariates', () => {
    const lines = Array.from({ length: 10 }, (_, i) =>
      JSON.stringify({ ts: `2024-01-01T${String(i).padStart(2, '0')}:00:00Z`, load: i, temp: 20 + i, site: 'x' }),
    );
    const { description } = parse(lines.join('\n'), { timestamp: 'ts', target: 'load', known: ['temp'] }, 'ndjson');
    expect(description.frequency).toBe('H');
    expect(description.columns.find((c) => c.name === 'temp')?.role).toBe('known');
    expect(description.columns.find((c) => c.name === 'site')?.role).toBe('ignored');
    expect(description.inferred).toBeUndefined();
  });

  it('reads quoted CSV cells (the classic single-series files)', () => {
    const { description } = parse('"Month","Passengers"\n"1949-01",112\n"1949-02",118\n"1949-03",132\n"1949-04",129');
    expect(description.frequency).toBe('M');
    expect(description.seasonal_periods).toEqual([12]);
    expect(description.columns.map((c) => c.role)).toEqual(['timestamp', 'target']);
  });

  it('inserts gaps on the grid and fills them from the past only', () => {
    const text = 'date,y\n2024-01-01,1\n2024-01-02,2\n2024-01-04,4\n2024-01-05,\n2024-01-06,6';
    const filled = parse(text);
    expect(Array.from(filled.dataset.series[0].values)).toEqual([1, 2, 2, 4, 4, 6]);
    expect(filled.description.validation).toMatchObject({ gaps: 1, missing_values: 1, fill: 'ffill' });
    expect(filled.description.missing_share).toBeCloseTo(2 / 6);
    const left = parse(text, { fill: 'none' });
    expect(Array.from(left.dataset.series[0].values)).toEqual([1, 2, NaN, 4, NaN, 6]);
  });

  it.each([
    ['date,y\n2024-01-01,1\n2024-01-01,2', /line 3, series '0': duplicate timestamp \(also on line 2\)/],
    ['date,y\n2024-01-02,1\n2024-01-01,2', /non-monotonic timestamps/],
    ['date,y,y\n2024-01-01,1,2', /duplicate column "y"/],
    ['date,y\n2024-01-01,1\n2024-01-02,x', /line 3, column "y": "x" is not a number/],
    [
      'ts,y\n2024-01-01T00:00Z,1\n2024-01-01T01:00Z,1\n2024-01-01T02:00Z,1\n2024-01-02T02:00Z,1\n2024-01-03T02:00Z,1\n2024-01-04T02:00Z,1',
      /mixed frequencies inside the series/,
    ],
    [
      'ts,y\n2024-01-01T00:00Z,1\n2024-01-01T01:00Z,1\n2024-01-01T02:00Z,1\n2024-01-01T03:20Z,1',
      /irregular step \(80min/,
    ],
  ])('refuses bad input naming the problem (%#)', (text, message) => {
    expect(() => parse(text)).toThrow(message);
    expect(() => parse(text)).toThrow(TrainingInputError);
  });

  it('refuses a mapping naming an unknown or twice-used column', () => {
    const text = 'date,y\n2024-01-01,1\n2024-01-02,2';
    expect(() => parse(text, { target: 'sales' })).toThrow(/Unknown column 'sales' in mapping 'target'/);
    expect(() => parse(text, { target: 'y', known: ['y'] })).toThrow(/Column 'y' is mapped twice/);
  });
});

describe('no future value reaches the past', () => {
  it('forward fill: every filled value equals the last observed value at or before it', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.double({ noNaN: true }), { nil: NaN }), { maxLength: 60 }), (raw) => {
        const a = Float64Array.from(raw);
        fillForward(a);
        let last = NaN;
        raw.forEach((v, i) => {
          if (!Number.isNaN(v)) last = v;
          expect(Object.is(a[i], last) || (Number.isNaN(a[i]) && Number.isNaN(last))).toBe(true);
        });
      }),
    );
  });

  it('calendar features of a timestamp depend on that timestamp only', () => {
    const f = parseFrequency('H');
    const ts = Float64Array.from({ length: 48 }, (_, i) => i * 3_600_000);
    const all = calendarFeatures(f, ts);
    const head = calendarFeatures(f, ts.subarray(0, 10));
    for (const k of Object.keys(head)) expect(Array.from(head[k])).toEqual(Array.from(all[k].subarray(0, 10)));
    expect(all.cal_hour_sin[6]).toBeCloseTo(1);
  });
});
