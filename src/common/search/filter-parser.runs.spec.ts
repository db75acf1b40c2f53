import { describe, expect, it } from 'vitest';
import { parseFilter } from './filter-parser';
import { RUNS_GRAMMAR } from './grammars';

const parse = (filter: string | undefined) => parseFilter(filter, RUNS_GRAMMAR);
const one = (filter: string) => {
  const clauses = parse(filter);
  expect(clauses).toHaveLength(1);
  return clauses[0];
};

describe('parseFilter (runs): empty input', () => {
  it.each([undefined, '', '   ', '\t\n '])('%j matches everything', (filter) => {
    expect(parse(filter)).toEqual([]);
  });
});

describe('parseFilter (runs): metrics', () => {
  it.each(['=', '!=', '>', '>=', '<', '<='] as const)('accepts comparator %s', (cmp) => {
    expect(one(`metrics.rmse ${cmp} 1`)).toEqual({ entity: 'metric', key: 'rmse', comparator: cmp, value: 1 });
  });

  it.each([
    ['0', 0],
    ['42', 42],
    ['-1', -1],
    ['+2', 2],
    ['3.25', 3.25],
    ['-0.5', -0.5],
    ['.5', 0.5],
    ['-.5', -0.5],
    ['5.', 5],
    ['1e3', 1000],
    ['1E3', 1000],
    ['2.5e-3', 0.0025],
    ['-1e+2', -100],
  ])('parses numeric literal %s', (literal, expected) => {
    expect(one(`metrics.m > ${literal}`).value).toBe(expected);
  });

  it('accepts both metric prefixes', () => {
    expect(one('metric.acc >= 0.9')).toMatchObject({ entity: 'metric', key: 'acc' });
    expect(one('metrics.acc >= 0.9')).toMatchObject({ entity: 'metric', key: 'acc' });
  });

  it('needs no whitespace around operators', () => {
    expect(one('metrics.a>=-1')).toEqual({ entity: 'metric', key: 'a', comparator: '>=', value: -1 });
    expect(one('metrics.a<.5')).toEqual({ entity: 'metric', key: 'a', comparator: '<', value: 0.5 });
  });
});

describe('parseFilter (runs): params and tags', () => {
  it.each(['param', 'params', 'parameter', 'parameters'])('accepts prefix %s', (prefix) => {
    expect(one(`${prefix}.lr = '0.1'`)).toEqual({ entity: 'param', key: 'lr', comparator: '=', value: '0.1' });
  });

  it.each(['tag', 'tags'])('accepts prefix %s', (prefix) => {
    expect(one(`${prefix}.team = 'ml'`)).toEqual({ entity: 'tag', key: 'team', comparator: '=', value: 'ml' });
  });

  it.each(['=', '!=', 'LIKE', 'ILIKE'] as const)('accepts comparator %s on params and tags', (cmp) => {
    expect(one(`params.model ${cmp} 'Log%'`)).toMatchObject({ entity: 'param', comparator: cmp, value: 'Log%' });
    expect(one(`tags.model ${cmp} 'Log%'`)).toMatchObject({ entity: 'tag', comparator: cmp, value: 'Log%' });
  });

  it('canonicalises comparator keyword case', () => {
    expect(one("params.a like 'x'").comparator).toBe('LIKE');
    expect(one("params.a iLiKe 'x'").comparator).toBe('ILIKE');
  });

  it('splits the identifier at the first dot', () => {
    expect(one("params.a.b = 'x'")).toMatchObject({ entity: 'param', key: 'a.b' });
    expect(one("tags.mlflow.runName = 'x'")).toMatchObject({ entity: 'tag', key: 'mlflow.runName' });
  });

  it('accepts backtick- and double-quoted keys and prefixes', () => {
    expect(one('metrics.`val loss` < 1')).toMatchObject({ entity: 'metric', key: 'val loss' });
    expect(one(`tags."user-name" = 'bob'`)).toMatchObject({ entity: 'tag', key: 'user-name', value: 'bob' });
    expect(one('`metrics`.loss < 1')).toMatchObject({ entity: 'metric', key: 'loss' });
    expect(one('`metrics`.`a:b/c` < 1')).toMatchObject({ entity: 'metric', key: 'a:b/c' });
    expect(one("tags.`mlflow.source.type` = 'LOCAL'")).toMatchObject({ key: 'mlflow.source.type' });
  });

  it('takes string values verbatim, in single or double quotes', () => {
    expect(one(`params.p = "it's"`).value).toBe("it's");
    expect(one(`params.p = 'say "hi"'`).value).toBe('say "hi"');
    expect(one("params.p = 'C:\\dir\\'").value).toBe('C:\\dir\\'); // no escape processing
    expect(one("params.p = ''").value).toBe('');
    expect(one("params.p = ' AND x = 1 '").value).toBe(' AND x = 1 ');
    expect(one("tags.t = 'ünïcødé ✓'").value).toBe('ünïcødé ✓');
  });

  it('accepts unicode letters in bare keys', () => {
    expect(one("params.größe = 'x'")).toMatchObject({ entity: 'param', key: 'größe' });
  });
});

describe('parseFilter (runs): attributes', () => {
  it.each(['', 'attribute.', 'attributes.', 'attr.', 'run.'])('accepts prefix %j', (prefix) => {
    expect(one(`${prefix}status = 'FINISHED'`)).toEqual({
      entity: 'attribute',
      key: 'status',
      comparator: '=',
      value: 'FINISHED',
    });
  });

  it.each(['run_id', 'run_name', 'user_id', 'status', 'artifact_uri'])('string attribute %s', (key) => {
    for (const cmp of ['=', '!=', 'LIKE', 'ILIKE'] as const) {
      expect(one(`${key} ${cmp} 'v'`)).toEqual({ entity: 'attribute', key, comparator: cmp, value: 'v' });
    }
  });

  it.each(['start_time', 'end_time'])('numeric attribute %s', (key) => {
    for (const cmp of ['=', '!=', '>', '>=', '<', '<='] as const) {
      expect(one(`attributes.${key} ${cmp} 1714000000000`)).toEqual({
        entity: 'attribute',
        key,
        comparator: cmp,
        value: 1714000000000,
      });
    }
  });

  it('resolves aliases', () => {
    expect(one('created > 5')).toMatchObject({ entity: 'attribute', key: 'start_time', value: 5 });
    expect(one('Created > 5')).toMatchObject({ key: 'start_time' });
    expect(one('attributes.created > 5')).toMatchObject({ key: 'start_time' });
    expect(one("`run name` ILIKE '%fox%'")).toMatchObject({ key: 'run_name', comparator: 'ILIKE' });
    expect(one("`Run name` = 'a'")).toMatchObject({ key: 'run_name' });
    expect(one(`"Run Name" = 'a'`)).toMatchObject({ key: 'run_name' });
    expect(one("attributes.`Run Name` = 'a'")).toMatchObject({ entity: 'attribute', key: 'run_name' });
  });

  it('parses IN / NOT IN lists for run_id', () => {
    expect(one('attributes.run_id IN (\'a1\', "b2")')).toEqual({
      entity: 'attribute',
      key: 'run_id',
      comparator: 'IN',
      value: ['a1', 'b2'],
    });
    expect(one("run_id not in ('a1')")).toMatchObject({ comparator: 'NOT IN', value: ['a1'] });
    expect(one("run_id In ('a1',)")).toMatchObject({ comparator: 'IN', value: ['a1'] });
    expect(one('run_id IN ()')).toMatchObject({ value: [] });
    expect(one("run_id IN('a','b')")).toMatchObject({ value: ['a', 'b'] });
  });

  it('silently drops run ids containing uppercase letters from IN lists', () => {
    expect(one("run_id IN ('abc', 'ABC', 'aBc', '123')").value).toEqual(['abc', '123']);
    expect(one("run_id NOT IN ('X')").value).toEqual([]);
  });

  it('accepts a single run_id comparison with a string', () => {
    expect(one("run_id = 'ABC'").value).toBe('ABC');
  });
});

describe('parseFilter (runs): datasets', () => {
  it.each(['name', 'digest', 'context'])('dataset key %s', (key) => {
    expect(one(`datasets.${key} = 'training'`)).toEqual({ entity: 'dataset', key, comparator: '=', value: 'training' });
    expect(one(`dataset.${key} IN ('a', 'B')`)).toEqual({
      entity: 'dataset',
      key,
      comparator: 'IN',
      value: ['a', 'B'],
    });
  });

  it.each(['=', '!=', 'LIKE', 'ILIKE'] as const)('dataset comparator %s', (cmp) => {
    expect(one(`datasets.context ${cmp} 'x'`).comparator).toBe(cmp);
  });

  it('dataset NOT IN', () => {
    expect(one("datasets.name NOT IN ('x', 'y')")).toMatchObject({ comparator: 'NOT IN', value: ['x', 'y'] });
  });
});

describe('parseFilter (runs): conjunctions', () => {
  it('joins comparisons with AND in any case', () => {
    const clauses = parse("metrics.rmse < 1 and params.model = 'LR' AnD tags.t != 'x' AND status = 'FINISHED'");
    expect(clauses).toEqual([
      { entity: 'metric', key: 'rmse', comparator: '<', value: 1 },
      { entity: 'param', key: 'model', comparator: '=', value: 'LR' },
      { entity: 'tag', key: 't', comparator: '!=', value: 'x' },
      { entity: 'attribute', key: 'status', comparator: '=', value: 'FINISHED' },
    ]);
  });

  it('handles the spec examples', () => {
    expect(parse("tags.`mlflow.source.type` = 'LOCAL' AND attributes.status = 'FINISHED'")).toHaveLength(2);
    expect(parse('attributes.start_time > 1714000000000')).toHaveLength(1);
    expect(parse("datasets.context = 'training'")).toHaveLength(1);
  });

  it('tolerates arbitrary whitespace, including newlines and tabs', () => {
    expect(parse("\n metrics.a\t>\t1\nAND\nparams.b='c'  ")).toHaveLength(2);
  });

  it('parses many clauses', () => {
    const filter = Array.from({ length: 500 }, (_, i) => `metrics.m${i} > ${i}`).join(' AND ');
    const clauses = parse(filter);
    expect(clauses).toHaveLength(500);
    expect(clauses[499]).toEqual({ entity: 'metric', key: 'm499', comparator: '>', value: 499 });
  });
});
