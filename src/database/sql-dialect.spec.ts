import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { toPgPlaceholders } from './db';
import { inList, likeToGlob, listParam, stringComparison, textOrder } from './sql-dialect';

describe('likeToGlob', () => {
  it.each([
    ['abc', 'abc'],
    ['a%', 'a*'],
    ['%a%b%', '*a*b*'],
    ['_pple', '?pple'],
    ['a_%', 'a?*'],
    ['a*b', 'a[*]b'],
    ['a?b', 'a[?]b'],
    ['a[x]b', 'a[[]x]b'],
    ['100%*', '100*[*]'],
    ['', ''],
    ['精度%', '精度*'],
  ])('%j -> %j', (like, glob) => {
    expect(likeToGlob(like)).toBe(glob);
  });

  describe('on a real sqlite database', () => {
    const db = new Database(':memory:');
    afterAll(() => db.close());
    const globMatches = (value: string, like: string) =>
      (db.prepare('SELECT ? GLOB ? AS m').get(value, likeToGlob(like)) as { m: number }).m === 1;

    it.each([
      ['Apple', 'A%', true],
      ['apple', 'A%', false],
      ['apple', '_pple', true],
      ['a*b', 'a*b', true],
      ['axb', 'a*b', false],
      ['a?b', 'a?b', true],
      ['axb', 'a?b', false],
      ['a[x]b', 'a[x]b', true],
      ['axb', 'a[x]b', false],
      ['a]b', 'a]b', true],
      ['abc', 'a%c', true],
      ['ac', 'a_c', false],
      ['精度x', '精度_', true],
    ])('%j LIKE %j (case-sensitive) is %s', (value, like, expected) => {
      expect(globMatches(value, like)).toBe(expected);
    });

    it('stringComparison gives MLflow semantics for every operator', () => {
      const match = (op: string, value: string, pattern: string) => {
        const c = stringComparison('sqlite', 'v', op, pattern);
        return (
          (db.prepare(`WITH x(v) AS (SELECT ?) SELECT (${c.sql}) AS m FROM x`).get(value, c.param) as { m: number })
            .m === 1
        );
      };
      expect(match('LIKE', 'Abc', 'a%')).toBe(false);
      expect(match('ILIKE', 'Abc', 'a%')).toBe(true);
      expect(match('ILIKE', 'ABC', '%b_')).toBe(true);
      expect(match('=', 'Abc', 'abc')).toBe(false);
      expect(match('!=', 'Abc', 'abc')).toBe(true);
      expect(() => stringComparison('sqlite', 'v', '>', 'x')).toThrow();
    });

    it('inList binds a whole list to one parameter', () => {
      const count = (values: (string | number)[]) =>
        (
          db
            .prepare(
              `SELECT COUNT(*) AS n FROM (SELECT 'a' AS c UNION ALL SELECT 'b' UNION ALL SELECT 'c') WHERE ${inList('sqlite', 'c')}`,
            )
            .get(listParam('sqlite', values)) as { n: number }
        ).n;
      expect(count(['a', 'c', 'zz'])).toBe(2);
      expect(count([])).toBe(0);
    });
  });
});

describe('dialect helpers', () => {
  it('Postgres gets ANY(array) lists and a byte-order collation; sqlite orders by bytes already', () => {
    expect(inList('postgres', 'r.id')).toBe('r.id = ANY(?)');
    expect(listParam('postgres', ['a', 1])).toEqual(['a', 1]);
    expect(listParam('sqlite', ['a', 1])).toBe('["a",1]');
    expect(textOrder('postgres', 'name')).toBe('name COLLATE "C"');
    expect(textOrder('sqlite', 'name')).toBe('name');
    expect(stringComparison('postgres', 'v', 'LIKE', 'a*%')).toEqual({ sql: 'v LIKE ?', param: 'a*%' });
    expect(stringComparison('postgres', 'v', 'ILIKE', 'a%')).toEqual({ sql: 'v ILIKE ?', param: 'a%' });
  });
});

describe('toPgPlaceholders', () => {
  it('numbers ? placeholders left to right', () => {
    expect(toPgPlaceholders('SELECT * FROM t WHERE a = ? AND b IN (?, ?) LIMIT ?')).toBe(
      'SELECT * FROM t WHERE a = $1 AND b IN ($2, $3) LIMIT $4',
    );
    expect(toPgPlaceholders('SELECT 1')).toBe('SELECT 1');
    expect(toPgPlaceholders('INSERT INTO t VALUES (?, ?), (?, ?)')).toBe('INSERT INTO t VALUES ($1, $2), ($3, $4)');
  });

  it('returns the same translation for a repeated statement (cached)', () => {
    const sql = 'UPDATE t SET a = ? WHERE id = ?';
    expect(toPgPlaceholders(sql)).toBe('UPDATE t SET a = $1 WHERE id = $2');
    expect(toPgPlaceholders(sql)).toBe('UPDATE t SET a = $1 WHERE id = $2');
  });
});
