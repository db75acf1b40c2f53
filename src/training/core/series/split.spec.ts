import { describe, expect, it } from 'vitest';
import { TrainingInputError } from '../errors';
import { splitChronological } from './split';

/** n consecutive calendar dates from 2024-01-01. */
const days = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10));
const req = { seqLength: 5, horizon: 1 };

describe('splitChronological', () => {
  it('splits 70/15/15 by default, in time order, without overlap', () => {
    const s = splitChronological(days(100), {}, req);
    expect([s.train.start, s.train.end, s.validation.end, s.test.end]).toEqual([0, 70, 85, 100]);
    expect(s.train).toMatchObject({ rows: 70, first_date: '2024-01-01', last_date: '2024-03-10' });
    expect(s.validation).toMatchObject({ rows: 15, first_date: '2024-03-11' });
    expect(s.test).toMatchObject({ rows: 15, last_date: '2024-04-09' });
  });

  it('honours custom fractions (floor for train and validation, rest to test)', () => {
    const s = splitChronological(days(101), { train_fraction: 0.6, val_fraction: 0.2 }, req);
    expect([s.train.rows, s.validation.rows, s.test.rows]).toEqual([60, 20, 21]);
  });

  it('splits by inclusive end dates', () => {
    const s = splitChronological(days(60), { train_end: '2024-01-31', val_end: '2024-02-15' }, req);
    expect(s.train).toMatchObject({ rows: 31, last_date: '2024-01-31' });
    expect(s.validation).toMatchObject({ first_date: '2024-02-01', last_date: '2024-02-15', rows: 15 });
    expect(s.test).toMatchObject({ first_date: '2024-02-16', rows: 14 });
  });

  it('works when split dates fall on non-trading days', () => {
    const dates = ['2024-01-05', '2024-01-08', '2024-01-09', '2024-01-10', '2024-01-11', '2024-01-12', '2024-01-15'];
    const s = splitChronological(
      dates,
      { train_end: '2024-01-07', val_end: '2024-01-10' },
      { seqLength: 1, horizon: 0 },
    );
    expect([s.train.rows, s.validation.rows, s.test.rows]).toEqual([1, 3, 3]);
  });

  it('rejects a part shorter than seq_length + horizon, naming it', () => {
    expect(() => splitChronological(days(40), {}, { seqLength: 5, horizon: 3 })).toThrow(
      'validation part has 6 rows (2024-01-29..2024-02-03) out of 40; at least seq_length + horizon = 5 + 3 = 8 rows are needed',
    );
    expect(() => splitChronological(days(60), { train_end: '2024-02-25', val_end: '2024-02-28' }, req)).toThrow(
      TrainingInputError,
    );
    expect(() => splitChronological(days(60), { train_end: '2025-01-01', val_end: '2025-02-01' }, req)).toThrow(
      'validation part has 0 rows out of 60',
    );
  });

  it('rejects impossible fractions and dates', () => {
    expect(() => splitChronological(days(100), { train_fraction: 0.9, val_fraction: 0.1 }, req)).toThrow(
      'train_fraction + val_fraction < 1',
    );
    expect(() => splitChronological(days(100), { train_fraction: 0 }, req)).toThrow('0 < train_fraction');
    expect(() => splitChronological(days(100), { train_end: '2024-13-01', val_end: '2024-12-01' }, req)).toThrow(
      'train_end must be a YYYY-MM-DD date',
    );
    expect(() => splitChronological(days(100), { train_end: '2024-02-01', val_end: '2024-01-01' }, req)).toThrow(
      'must be before val_end',
    );
  });
});
