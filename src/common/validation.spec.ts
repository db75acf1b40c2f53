import { describe, expect, it } from 'vitest';
import {
  checkLength,
  decodeRepeatedly,
  LIMITS,
  pyNormpath,
  validateKey,
  validateMaxResults,
  validateRunId,
} from './validation';
import { invalidMessage } from '../../test/support/mlflow-errors';

describe('pyNormpath', () => {
  // Expected values produced by CPython 3's posixpath.normpath.
  const table: [string, string][] = [
    ['', '.'],
    ['.', '.'],
    ['..', '..'],
    ['/', '/'],
    ['//', '//'],
    ['///', '/'],
    ['////a', '/a'],
    ['//a//b', '//a/b'],
    ['///a', '/a'],
    ['a', 'a'],
    ['a/', 'a'],
    ['a/b/', 'a/b'],
    ['a//b', 'a/b'],
    ['./a', 'a'],
    ['a/./b', 'a/b'],
    ['a/.', 'a'],
    ['a/..', '.'],
    ['a/../b', 'b'],
    ['a/../..', '..'],
    ['../a', '../a'],
    ['../../a/..', '../..'],
    ['/..', '/'],
    ['/../a', '/a'],
    ['//..', '//'],
    ['./.', '.'],
    ['..a', '..a'],
    ['...', '...'],
    ['a/.../b', 'a/.../b'],
    ['.a/', '.a'],
    ['a b/c:d', 'a b/c:d'],
    ['x/y/../../z', 'z'],
    ['/a/./b/../c/', '/a/c'],
  ];
  it.each(table)('normpath(%j) = %j', (input, expected) => {
    expect(pyNormpath(input)).toBe(expected);
  });
});

describe('validateKey', () => {
  const CHARSET =
    'Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).';

  it.each([
    'a/b',
    'a.b',
    'a-b c:d',
    'under_score',
    'métrique/精度',
    'Ünïcödé',
    'x'.repeat(250),
    '.a',
    'a/.../b',
    'system/cpu_utilization_percentage',
  ])('accepts %j', (key) => {
    expect(() => validateKey(key)).not.toThrow();
  });

  it.each([
    ['', '.'],
    ['.', '.'],
    ['./a', 'a'],
    ['a/./b', 'a/b'],
    ['a//b', 'a/b'],
    ['a/', 'a'],
    ['../a', '../a'],
    ['a/../b', 'b'],
    ['/a', '/a'],
    ['..', '..'],
  ])('rejects %j as not path-unique (resolves to %j)', (key, norm) => {
    const msg = invalidMessage(() => validateKey(key));
    expect(msg).toBe(
      `Invalid value ${JSON.stringify(key)} for parameter 'key' supplied: Names may be treated as files in certain cases, ` +
        `and must not resolve to other names when treated as such. This name would resolve to '${norm}'`,
    );
  });

  it.each(['a$b', 'a\\b', 'tab\there', 'semi;colon', 'q?', 'h#', 'new\nline', 'pct%'])(
    'rejects %j by charset',
    (key) => {
      expect(invalidMessage(() => validateKey(key))).toBe(
        `Invalid value ${JSON.stringify(key)} for parameter 'key' supplied: ${CHARSET}`,
      );
    },
  );

  it('rejects keys over 250 characters, naming the field', () => {
    expect(invalidMessage(() => validateKey('k'.repeat(251)))).toBe(
      "'key' exceeds the maximum length of 250 characters",
    );
    expect(invalidMessage(() => validateKey('k'.repeat(251), 'metrics[3].name'))).toBe(
      "'metrics[3].name' exceeds the maximum length of 250 characters",
    );
    expect(invalidMessage(() => validateKey('a$b', 'tags[0].key'))).toContain("for parameter 'tags[0].key' supplied");
  });
});

describe('checkLength', () => {
  it('returns values within the limit unchanged', () => {
    expect(checkLength('abc', 3, 'value')).toBe('abc');
    expect(checkLength('', 0, 'value')).toBe('');
  });

  it('truncates where asked, else rejects', () => {
    expect(checkLength('abcdef', 4, 'Param value', true)).toBe('abcd');
    expect(checkLength('x'.repeat(LIMITS.paramValue + 10), LIMITS.paramValue, 'Param value', true)).toHaveLength(6000);
    expect(invalidMessage(() => checkLength('abcdef', 4, 'value'))).toBe(
      "'value' exceeds the maximum length of 4 characters",
    );
  });
});

describe('validateMaxResults', () => {
  it('uses the fallback for absent or 0 and accepts 1..max', () => {
    expect(validateMaxResults(undefined, 1000, 50_000)).toBe(1000);
    expect(validateMaxResults(0, 1000, 50_000)).toBe(1000);
    expect(validateMaxResults(1, 1000, 50_000)).toBe(1);
    expect(validateMaxResults(50_000, 1000, 50_000)).toBe(50_000);
  });

  it('rejects out-of-range values', () => {
    expect(invalidMessage(() => validateMaxResults(50_001, 1000, 50_000))).toBe(
      "Invalid value 50001 for parameter 'max_results' supplied. It must be at most 50000, but got value 50001",
    );
    expect(invalidMessage(() => validateMaxResults(-1, 1000, 50_000))).toContain(
      "Invalid value -1 for parameter 'max_results'",
    );
  });
});

describe('validateRunId', () => {
  it('accepts MLflow run ids and rejects anything else', () => {
    expect(() => validateRunId('0123456789abcdef0123456789abcdef')).not.toThrow();
    expect(() => validateRunId('a-b_c')).not.toThrow();
    for (const bad of ['', '-a', '_a', 'a/b', 'a b', 'a'.repeat(257), '../x']) {
      expect(
        invalidMessage(() => validateRunId(bad)),
        bad,
      ).toContain("for parameter 'run_id' supplied");
    }
  });
});

describe('decodeRepeatedly', () => {
  it('decodes until stable (double and triple encoding)', () => {
    expect(decodeRepeatedly('a%2Fb')).toBe('a/b');
    expect(decodeRepeatedly('%252E%252E%252F%252E%252E%252Fetc%252fpasswd')).toBe('../../etc/passwd');
    expect(decodeRepeatedly('%25252E%25252E')).toBe('..');
    expect(decodeRepeatedly('plain/path')).toBe('plain/path');
    expect(decodeRepeatedly('%E7%B2%BE')).toBe('精');
  });

  it('leaves input with invalid % sequences as it is', () => {
    expect(decodeRepeatedly('dog%step%100%timestamp%100')).toBe('dog%step%100%timestamp%100');
    expect(decodeRepeatedly('100%')).toBe('100%');
    expect(decodeRepeatedly('%zz')).toBe('%zz');
    expect(decodeRepeatedly('%E7%B2')).toBe('%E7%B2'); // truncated UTF-8
    // Valid rounds first, then the result is undecodable: stops there.
    expect(decodeRepeatedly('%2525zz')).toBe('%zz');
  });

  it('turns + into a space only when asked (form encoding)', () => {
    expect(decodeRepeatedly('a+b%2Bc')).toBe('a+b+c');
    expect(decodeRepeatedly('a+b%2Bc', true)).toBe('a b c');
  });

  it('stops after 10 rounds', () => {
    let s = '..';
    for (let i = 0; i < 12; i++) s = encodeURIComponent(s).replace(/\./g, '%2E');
    expect(decodeRepeatedly(s)).not.toBe('..');
    let t = '..';
    for (let i = 0; i < 9; i++) t = encodeURIComponent(t).replace(/\./g, '%2E');
    expect(decodeRepeatedly(t)).toBe('..');
  });
});
