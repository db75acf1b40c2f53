import { describe, expect, it } from 'vitest';
import { TrainingInputError } from '../errors';
import { expandGrid } from './grid';

describe('expandGrid', () => {
  it('builds the cartesian product with sorted names, last varying fastest', () => {
    expect(expandGrid({ units: [16, 32], seq_length: [10, 20] })).toEqual([
      { seq_length: 10, units: 16 },
      { seq_length: 10, units: 32 },
      { seq_length: 20, units: 16 },
      { seq_length: 20, units: 32 },
    ]);
  });

  it('counts 1000 candidates but refuses 1001 without expanding', () => {
    expect(
      expandGrid({ a: Array.from({ length: 10 }, (_, i) => i), b: Array.from({ length: 100 }, (_, i) => i) }),
    ).toHaveLength(1000);
    expect(() =>
      expandGrid({ a: Array.from({ length: 7 }), b: Array.from({ length: 11 }), c: Array.from({ length: 13 }) }),
    ).toThrow(/more than 1000/);
  });

  it.each([[{}], [{ units: [] }], [{ units: 16 }], [[1, 2]], [null]])('rejects %j', (grid) => {
    expect(() => expandGrid(grid as never)).toThrow(TrainingInputError);
  });
});
