import { describe, expect, it } from 'vitest';
import { groupBy, isUniqueViolation } from './sql-helpers';

describe('SQL helpers', () => {
  it('isUniqueViolation recognises sqlite and Postgres codes only', () => {
    expect(isUniqueViolation({ code: 'SQLITE_CONSTRAINT_UNIQUE' })).toBe(true);
    expect(isUniqueViolation({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' })).toBe(true);
    expect(isUniqueViolation({ driverError: { code: '23505' } })).toBe(true);
    expect(isUniqueViolation({ code: '23503' })).toBe(false);
    expect(isUniqueViolation(new Error('x'))).toBe(false);
    expect(isUniqueViolation(undefined)).toBe(false);
  });

  it('groupBy keeps row order within and across groups', () => {
    const g = groupBy(
      [
        { k: 'b', i: 1 },
        { k: 'a', i: 2 },
        { k: 'b', i: 3 },
      ],
      (r) => r.k,
    );
    expect([...g.keys()]).toEqual(['b', 'a']);
    expect(g.get('b')!.map((r) => r.i)).toEqual([1, 3]);
  });
});
