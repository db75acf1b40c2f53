import { describe, expect, it } from 'vitest';
import { ErrorCode, MlflowError } from '../mlflow-error';
import { parseFilter } from './filter-parser';
import {
  EXPERIMENTS_GRAMMAR,
  MODEL_VERSIONS_GRAMMAR,
  REGISTERED_MODELS_GRAMMAR,
  RUNS_GRAMMAR,
  type SearchGrammar,
} from './grammars';
import { invalidMessage } from '../../../test/support/mlflow-errors';

const runsError = (filter: string) => invalidMessage(() => parseFilter(filter, RUNS_GRAMMAR));

describe('parseFilter errors: unsupported syntax', () => {
  it.each([
    [
      'metrics.a > 1 OR metrics.b > 1',
      /Invalid clause\(s\) in filter string: 'OR' at position 14: OR is not supported/,
    ],
    ["metrics.a > 1 or params.b = 'x'", /'or' at position 14: OR is not supported/],
    ['NOT metrics.a > 1', /Invalid clause\(s\).*'NOT' at position 0/],
    ["params.a NOT LIKE 'x'", /'NOT' at position 9: NOT is only supported as NOT IN/],
    ['(metrics.a > 1)', /parentheses are only allowed around IN lists, found '\(' at position 0/],
    ['metrics.a > 1 AND (metrics.b > 1)', /parentheses .* at position 18/],
    ['metrics.a > (1)', /parenthesised list is only allowed with IN \/ NOT IN, found '\(' at position 12/],
    ['metrics.a > 1 AND', /trailing 'AND' at position 14/],
    ['metrics.a > 1 AND AND metrics.b > 1', /unexpected 'AND' at position 18/],
    ['AND metrics.a > 1', /unexpected 'AND' at position 0/],
    ['metrics.a > 1 metrics.b > 2', /expected AND or end of filter, got 'metrics.b' at position 14/],
    ['metrics.a > 1, metrics.b > 2', /expected AND or end of filter, got ',' at position 13/],
    ['metrics.a', /missing comparator at end of filter/],
    ['metrics.a >', /missing value at end of filter/],
    ['metrics.a > = 1', /missing value before '=' at position 12/],
    ["params.a IS 'x'", /expected a comparator, got 'IS' at position 9/],
    ["'metrics.a' > 1", /expected an identifier, got ''metrics.a'' at position 0/],
    ['= 1', /expected an identifier, got '=' at position 0/],
    ['metrics. > 1', /missing key after 'metrics.' at position 0/],
    ['metrics.`` > 1', /empty key in identifier/],
    ['.a > 1', /missing entity prefix before '.'/],
    ['metrics.a`b` > 1', /malformed identifier 'metrics.a`b`'/],
    ['`metrics`loss > 1', /expected '.' after the quoted prefix/],
  ])('%s', (filter, expected) => {
    expect(runsError(filter)).toMatch(expected);
  });
});

describe('parseFilter errors: tokenizer', () => {
  it.each([
    ["params.a = 'abc", /unterminated ' quote starting at position 11: ''abc'/],
    [`params.a = "abc`, /unterminated " quote starting at position 11/],
    ['metrics.`val loss < 1', /unterminated ` quote starting at position 8/],
    ["tags.user-name = 'x'", /unexpected character '-' at position 9/],
    ["tags.a:b = 'x'", /unexpected character ':' at position 6/],
    ["params.a = 'x' # comment", /unexpected character '#' at position 15/],
    ["params.a ! 'x'", /unexpected character '!' at position 9/],
    ['metrics.a > - 1', /unexpected character '-' at position 12/],
    ["params.a = 'x'\u0000", /unexpected character '\\x00' at position 14/],
    ["params.a\u0000 = 'x'", /unexpected character '\\x00' at position 8/],
    ["params.\u{1D4B3} = 'x'", /unexpected character '\u{1D4B3}' at position 7/u],
  ])('%j', (filter, expected) => {
    expect(runsError(filter)).toMatch(expected);
  });

  it('keeps NUL bytes inside quoted values verbatim', () => {
    expect(parseFilter("params.a = 'x\u0000y'", RUNS_GRAMMAR)[0].value).toBe('x\u0000y');
  });
});

describe('parseFilter errors: entities, keys, comparators, values', () => {
  it('rejects an unknown entity prefix and lists the valid ones', () => {
    const msg = runsError('foo.bar = 1');
    expect(msg).toMatch(/^Invalid entity type 'foo'\. Valid values are \['metric', 'metrics', 'param',/);
    expect(msg).toContain("'dataset', 'datasets']");
  });

  it('entity prefixes are case-sensitive, as in MLflow', () => {
    expect(runsError('METRICS.a > 1')).toMatch(/Invalid entity type 'METRICS'/);
  });

  it('rejects unknown attributes, naming the key', () => {
    expect(runsError("foo = 'x'")).toMatch(/^Invalid attribute key 'foo' specified\. Valid keys are '\['run_id',/);
    expect(runsError('attributes.experiment_id = 1')).toMatch(/Invalid attribute key 'experiment_id'/);
    expect(runsError("lifecycle_stage = 'active'")).toMatch(/Invalid attribute key 'lifecycle_stage'/);
    expect(runsError("run.RUN_ID = 'x'")).toMatch(/Invalid attribute key 'RUN_ID'/);
  });

  it('does not resolve keys through Object.prototype', () => {
    expect(runsError("__proto__ = 'x'")).toMatch(/Invalid attribute key '__proto__'/);
    expect(runsError("constructor = 'x'")).toMatch(/Invalid attribute key 'constructor'/);
    expect(runsError("datasets.toString = 'x'")).toMatch(/Invalid dataset key 'toString'/);
  });

  it('rejects unknown dataset keys', () => {
    expect(runsError("datasets.profile = 'x'")).toMatch(
      /^Invalid dataset key 'profile' specified\. Valid keys are '\['name', 'digest', 'context'\]'/,
    );
  });

  it.each([
    ["metrics.a LIKE '1'", 'LIKE', "{'=', '!=', '>', '>=', '<', '<='}"],
    ["metrics.a IN ('1')", 'IN', "{'=', '!=', '>', '>=', '<', '<='}"],
    ['params.a > 1', '>', "{'=', '!=', 'LIKE', 'ILIKE'}"],
    ["tags.a IN ('x')", 'IN', "{'=', '!=', 'LIKE', 'ILIKE'}"],
    ["tags.a <> 'x'", '<>', "{'=', '!=', 'LIKE', 'ILIKE'}"],
    ["params.a == 'x'", '==', "{'=', '!=', 'LIKE', 'ILIKE'}"],
    ["start_time LIKE '1'", 'LIKE', "{'=', '!=', '>', '>=', '<', '<='}"],
    ["status >= 'A'", '>=', "{'=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'}"],
    ["datasets.name < 'x'", '<', "{'=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'}"],
  ])('rejects comparator in %s', (filter, cmp, allowed) => {
    expect(runsError(filter)).toBe(`Invalid comparator '${cmp}' not one of '${allowed}'`);
  });

  it('accepts IN lists only for run_id among run attributes', () => {
    expect(runsError("status IN ('FINISHED')")).toMatch(
      /Only the \['run_id'\] attribute key\(s\) support comparison with a list/,
    );
    expect(runsError("user_id NOT IN ('a')")).toMatch(/Only the \['run_id'\]/);
  });

  it('rejects unquoted string values', () => {
    expect(runsError('params.model = LogisticRegression')).toBe(
      "Expected a quoted string value for param (e.g. 'my-value'). Got value LogisticRegression",
    );
    expect(runsError('params.lr = 0.1')).toMatch(/quoted string value for param .* Got value 0\.1$/);
    expect(runsError('tags.t = `x`')).toMatch(/quoted string value for tag .* Got value `x`$/);
    expect(runsError('status = FINISHED')).toMatch(/quoted string value for attribute .* Got value FINISHED$/);
    expect(runsError('datasets.name = x')).toMatch(/quoted string value for dataset/);
  });

  it('rejects non-numeric values for numeric keys', () => {
    expect(runsError('metrics.a > abc')).toBe('Expected numeric value type for metric. Found abc');
    expect(runsError("metrics.a > '1'")).toBe("Expected numeric value type for metric. Found '1'");
    expect(runsError('metrics.a > 1.2.3')).toBe('Expected numeric value type for metric. Found 1.2.3');
    expect(runsError('metrics.a > 1e')).toBe('Expected numeric value type for metric. Found 1e');
    expect(runsError('metrics.a > 1e999')).toBe('Expected numeric value type for metric. Found 1e999');
    expect(runsError('metrics.a > NaN')).toMatch(/Found NaN$/);
    expect(runsError("start_time > 'x'")).toBe("Expected numeric value type for attribute 'start_time'. Found 'x'");
    expect(runsError('created > yesterday')).toMatch(/attribute 'start_time'\. Found yesterday$/);
  });

  it('rejects malformed IN lists', () => {
    expect(runsError("run_id IN 'a'")).toMatch(/expected a parenthesised list after IN, got ''a'' at position 10/);
    expect(runsError('run_id IN')).toMatch(/expected a parenthesised list after IN, got end of filter/);
    expect(runsError("run_id IN ('a', b)")).toMatch(
      /Expected a list of quoted string values for attribute .* Got 'b' at position 16/,
    );
    expect(runsError('run_id IN (1, 2)')).toMatch(/Expected a list of quoted string values/);
    expect(runsError("run_id IN ('a'")).toMatch(/expected ',' or '\)' in list, got end of filter/);
    expect(runsError("run_id IN ('a' 'b')")).toMatch(/expected ',' or '\)' in list, got ''b'' at position 15/);
    expect(runsError("run_id IN ('a', ('b'))")).toMatch(/Expected a list of quoted string values.*'\(' at position 16/);
    expect(runsError('run_id IN (')).toMatch(/unterminated list starting '\(' at position 10: missing '\)'/);
  });
});

describe('parseFilter errors: hostile input', () => {
  /** Deterministic PRNG so failures are reproducible. */
  function rng(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
      s = (s * 1664525 + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
  }
  const ALPHABET = [
    ...'abcXYZ019_.`\'"()=<>!,-+ \t\n%:/\\#',
    '\u0000',
    'é',
    '✓',
    '\ud83d',
    'AND ',
    'OR ',
    'IN ',
    'NOT ',
  ];
  const grammars: SearchGrammar[] = [
    RUNS_GRAMMAR,
    EXPERIMENTS_GRAMMAR,
    REGISTERED_MODELS_GRAMMAR,
    MODEL_VERSIONS_GRAMMAR,
  ];

  /** The parser may accept or reject junk, but only ever by returning clauses or throwing MlflowError. */
  function parsesOrRejects(filter: string, grammar: SearchGrammar): void {
    try {
      expect(Array.isArray(parseFilter(filter, grammar))).toBe(true);
    } catch (e) {
      expect(e).toBeInstanceOf(MlflowError);
      expect((e as MlflowError).code).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
      // Messages echo user text, but bounded: a 10k filter must not produce a 10k message.
      expect((e as MlflowError).message.length).toBeLessThan(600);
    }
  }

  it('rejects a 10,000-character junk string quickly with a bounded message', () => {
    const next = rng(1);
    const junk = Array.from({ length: 10_000 }, () => ALPHABET[Math.floor(next() * ALPHABET.length)]).join('');
    const started = Date.now();
    const msg = runsError(junk.slice(0, 10_000));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(msg.length).toBeLessThan(600);
  });

  it('handles pathological long inputs in linear time', () => {
    const cases = [
      `params.a = '${'x'.repeat(100_000)}`, // unterminated quote
      '`'.repeat(100_001), // odd number of backticks
      '('.repeat(100_000),
      `metrics.${'a'.repeat(100_000)} > 1 OR`,
      `${'1'.repeat(100_000)}e`,
      `${'metrics.a > 1 AND '.repeat(5_000)}metrics.b > 1x`,
      `${'-'.repeat(50_000)}1`,
      `${'\u0000'.repeat(50_000)}`,
      `metrics.a IN (${"'a',".repeat(20_000)}`,
    ];
    for (const filter of cases) {
      const started = Date.now();
      const msg = runsError(filter);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(msg.length).toBeLessThan(600);
    }
  });

  it('echoes long offending text truncated', () => {
    const msg = runsError(`${'z'.repeat(5_000)} = 'x'`);
    expect(msg).toMatch(/^Invalid attribute key 'z{40}\.\.\.' specified/);
  });

  it('never throws anything but MlflowError on random input (fuzz)', () => {
    const next = rng(42);
    for (let n = 0; n < 3_000; n++) {
      const length = Math.floor(next() * 60);
      const filter = Array.from({ length }, () => ALPHABET[Math.floor(next() * ALPHABET.length)]).join('');
      parsesOrRejects(filter, grammars[n % grammars.length]);
    }
  });

  it('never throws anything but MlflowError on mutated valid filters (fuzz)', () => {
    const next = rng(7);
    const seeds = [
      "metrics.`val loss` < 1 AND params.a.b = 'x' AND run_id IN ('a', 'b')",
      "tags.\"user-name\" LIKE '%x' and `metrics`.m >= -1.5e3 and datasets.context NOT IN ('t')",
      "name ILIKE 'm%' AND version_number > 2 AND tags.k = 'v' AND run_id IN ('abc')",
    ];
    for (let n = 0; n < 3_000; n++) {
      const chars = [...seeds[n % seeds.length]];
      for (let edits = 1 + Math.floor(next() * 4); edits > 0; edits--) {
        const at = Math.floor(next() * chars.length);
        const op = next();
        if (op < 0.33) chars.splice(at, 1);
        else if (op < 0.66) chars.splice(at, 0, ALPHABET[Math.floor(next() * ALPHABET.length)]);
        else chars[at] = ALPHABET[Math.floor(next() * ALPHABET.length)];
      }
      parsesOrRejects(chars.join(''), grammars[n % grammars.length]);
    }
  });
});
