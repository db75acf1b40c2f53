import { describe, expect, it } from 'vitest';
import { ErrorCode, MlflowError } from '../mlflow-error';
import { parseFilter } from './filter-parser';
import { EXPERIMENTS_GRAMMAR, MODEL_VERSIONS_GRAMMAR, REGISTERED_MODELS_GRAMMAR, type SearchGrammar } from './grammars';

function invalidMessage(filter: string, grammar: SearchGrammar): string {
  let caught: unknown;
  try {
    parseFilter(filter, grammar);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(MlflowError);
  expect((caught as MlflowError).code).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
  return (caught as MlflowError).message;
}

const STRING_CMPS = ['=', '!=', 'LIKE', 'ILIKE'] as const;
const NUMERIC_CMPS = ['=', '!=', '>', '>=', '<', '<='] as const;

describe('parseFilter (experiments)', () => {
  const parse = (f: string) => parseFilter(f, EXPERIMENTS_GRAMMAR);
  const bad = (f: string) => invalidMessage(f, EXPERIMENTS_GRAMMAR);

  it.each(STRING_CMPS)('name %s', (cmp) => {
    expect(parse(`name ${cmp} 'exp%'`)).toEqual([{ entity: 'attribute', key: 'name', comparator: cmp, value: 'exp%' }]);
    expect(parse(`attribute.name ${cmp} 'x'`)[0]).toMatchObject({ entity: 'attribute', key: 'name' });
  });

  it.each(NUMERIC_CMPS)('creation_time / last_update_time %s', (cmp) => {
    expect(parse(`creation_time ${cmp} 10 and last_update_time ${cmp} 20`)).toEqual([
      { entity: 'attribute', key: 'creation_time', comparator: cmp, value: 10 },
      { entity: 'attribute', key: 'last_update_time', comparator: cmp, value: 20 },
    ]);
  });

  it.each(STRING_CMPS)('tags %s', (cmp) => {
    expect(parse(`tags.\`k 1\` ${cmp} 'v'`)).toEqual([{ entity: 'tag', key: 'k 1', comparator: cmp, value: 'v' }]);
    expect(parse(`tag.k ${cmp} "v"`)[0]).toMatchObject({ entity: 'tag', key: 'k', value: 'v' });
  });

  it('rejects other entities and attributes', () => {
    expect(bad('metrics.a > 1')).toBe("Invalid entity type 'metrics'. Valid values are ['attribute', 'tag', 'tags']");
    expect(bad("params.a = 'x'")).toMatch(/Invalid entity type 'params'/);
    expect(bad('experiment_id = 1')).toMatch(
      /^Invalid attribute key 'experiment_id' specified\. Valid keys are '\['name', 'creation_time', 'last_update_time'\]'/,
    );
    expect(bad("lifecycle_stage = 'active'")).toMatch(/Invalid attribute key 'lifecycle_stage'/);
  });

  it('rejects bad comparators and values', () => {
    expect(bad("name > 'a'")).toBe("Invalid comparator '>' not one of '{'=', '!=', 'LIKE', 'ILIKE'}'");
    expect(bad("name IN ('a')")).toMatch(/Invalid comparator 'IN'/);
    expect(bad("creation_time LIKE '1'")).toMatch(/Invalid comparator 'LIKE'/);
    expect(bad('name = abc')).toMatch(/Expected a quoted string value for attribute .* Got value abc/);
    expect(bad("creation_time > 'soon'")).toBe(
      "Expected numeric value type for attribute 'creation_time'. Found 'soon'",
    );
  });
});

describe('parseFilter (registered models)', () => {
  const parse = (f: string) => parseFilter(f, REGISTERED_MODELS_GRAMMAR);
  const bad = (f: string) => invalidMessage(f, REGISTERED_MODELS_GRAMMAR);

  it.each(STRING_CMPS)('name and tags with %s', (cmp) => {
    expect(parse(`name ${cmp} 'm' AND tags.k ${cmp} 'v'`)).toEqual([
      { entity: 'attribute', key: 'name', comparator: cmp, value: 'm' },
      { entity: 'tag', key: 'k', comparator: cmp, value: 'v' },
    ]);
  });

  it('parses the prompt-registry opt-in filter', () => {
    expect(parse("tags.`mlflow.prompt.is_prompt` = 'true'")).toEqual([
      { entity: 'tag', key: 'mlflow.prompt.is_prompt', comparator: '=', value: 'true' },
    ]);
  });

  it('uses the LIKE pattern exactly as given', () => {
    expect(parse("name LIKE 'x'")[0].value).toBe('x');
  });

  it('rejects everything but name and tags', () => {
    expect(bad('metrics.a > 1')).toBe("Invalid entity type 'metrics'. Valid values are ['tag', 'tags']");
    expect(bad("attribute.name = 'x'")).toMatch(/Invalid entity type 'attribute'/);
    expect(bad("description = 'x'")).toBe("Invalid attribute key 'description' specified. Valid keys are '['name']'");
    expect(bad('creation_timestamp > 1')).toMatch(/Invalid attribute key 'creation_timestamp'/);
    expect(bad("name IN ('a')")).toMatch(/Invalid comparator 'IN'/);
    expect(bad("tags.k >= 'a'")).toMatch(/Invalid comparator '>='/);
    expect(bad("name = 'a' OR name = 'b'")).toMatch(/OR is not supported/);
  });
});

describe('parseFilter (model versions)', () => {
  const parse = (f: string) => parseFilter(f, MODEL_VERSIONS_GRAMMAR);
  const bad = (f: string) => invalidMessage(f, MODEL_VERSIONS_GRAMMAR);

  it.each(STRING_CMPS)('string keys with %s', (cmp) => {
    for (const key of ['name', 'run_id', 'source_path']) {
      expect(parse(`${key} ${cmp} 'v'`)).toEqual([{ entity: 'attribute', key, comparator: cmp, value: 'v' }]);
    }
    expect(parse(`tags.k ${cmp} 'v'`)[0]).toMatchObject({ entity: 'tag', comparator: cmp });
  });

  it.each(NUMERIC_CMPS)('version_number %s', (cmp) => {
    expect(parse(`version_number ${cmp} 3`)).toEqual([
      { entity: 'attribute', key: 'version_number', comparator: cmp, value: 3 },
    ]);
  });

  it('parses run_id IN without dropping uppercase values (only runs does that)', () => {
    expect(parse("run_id IN ('abc', 'DEF')")[0]).toEqual({
      entity: 'attribute',
      key: 'run_id',
      comparator: 'IN',
      value: ['abc', 'DEF'],
    });
  });

  it('parses typical client filters', () => {
    expect(parse("name='my-model'")).toHaveLength(1);
    expect(parse("name='m' and tags.k='v'")).toHaveLength(2);
  });

  it('rejects invalid filters', () => {
    expect(bad('version_number = 1.5')).toBe("Expected an integer value for attribute 'version_number'. Found 1.5");
    expect(bad("version_number = '1'")).toMatch(
      /Expected numeric value type for attribute 'version_number'\. Found '1'/,
    );
    expect(bad('version_number = 1e300')).toMatch(/Expected an integer value/);
    expect(bad("run_id NOT IN ('a')")).toBe(
      "Invalid comparator 'NOT IN' not one of '{'=', '!=', 'LIKE', 'ILIKE', 'IN'}'",
    );
    expect(bad("name IN ('a')")).toMatch(/Invalid comparator 'IN'/);
    expect(bad("source = 'x'")).toMatch(/Invalid attribute key 'source' specified/);
    expect(bad("version = '1'")).toMatch(/Invalid attribute key 'version'/);
    expect(bad("params.a = 'x'")).toMatch(/Invalid entity type 'params'/);
  });

  it('accepts integer literals written in other numeric forms', () => {
    expect(parse('version_number >= 1e1')[0].value).toBe(10);
    expect(parse('version_number > -1')[0].value).toBe(-1);
  });
});
