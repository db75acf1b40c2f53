import { describe, expect, it } from 'vitest';
import { ErrorCode, MlflowError } from '../mlflow-error';
import {
  EXPERIMENTS_GRAMMAR,
  MODEL_VERSIONS_GRAMMAR,
  REGISTERED_MODELS_GRAMMAR,
  RUNS_GRAMMAR,
  type SearchGrammar,
} from './grammars';
import { parseOrderBy } from './order-by';

function invalidMessage(orderBy: unknown[], grammar: SearchGrammar): string {
  let caught: unknown;
  try {
    parseOrderBy(orderBy as string[], grammar);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(MlflowError);
  expect((caught as MlflowError).code).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
  return (caught as MlflowError).message;
}

describe('parseOrderBy (runs)', () => {
  const parse = (...o: string[]) => parseOrderBy(o, RUNS_GRAMMAR);
  const bad = (...o: unknown[]) => invalidMessage(o, RUNS_GRAMMAR);

  it('returns [] for absent or empty order_by, without default tie-breakers', () => {
    expect(parseOrderBy(undefined, RUNS_GRAMMAR)).toEqual([]);
    expect(parseOrderBy([], RUNS_GRAMMAR)).toEqual([]);
  });

  it('parses direction case-insensitively, defaulting to ASC', () => {
    expect(parse('metrics.rmse', 'params.lr DESC', 'tags.t asc', 'start_time Desc')).toEqual([
      { entity: 'metric', key: 'rmse', ascending: true },
      { entity: 'param', key: 'lr', ascending: false },
      { entity: 'tag', key: 't', ascending: true },
      { entity: 'attribute', key: 'start_time', ascending: false },
    ]);
  });

  it('parses identifiers exactly as filters do', () => {
    expect(parse('metrics.`val loss` DESC')).toEqual([{ entity: 'metric', key: 'val loss', ascending: false }]);
    expect(parse('`metrics`.loss')).toEqual([{ entity: 'metric', key: 'loss', ascending: true }]);
    expect(parse('tags."user-name"')).toEqual([{ entity: 'tag', key: 'user-name', ascending: true }]);
    expect(parse('params.a.b')).toEqual([{ entity: 'param', key: 'a.b', ascending: true }]);
    expect(parse('  attributes.run_name   DESC  ')).toEqual([
      { entity: 'attribute', key: 'run_name', ascending: false },
    ]);
  });

  it.each(['run_id', 'run_name', 'user_id', 'status', 'start_time', 'end_time', 'artifact_uri'])(
    'orders by attribute %s with any attribute prefix',
    (key) => {
      for (const prefix of ['', 'attribute.', 'attributes.', 'attr.', 'run.']) {
        expect(parse(`${prefix}${key} DESC`)).toEqual([{ entity: 'attribute', key, ascending: false }]);
      }
    },
  );

  it('resolves aliases', () => {
    expect(parse('created DESC')).toEqual([{ entity: 'attribute', key: 'start_time', ascending: false }]);
    expect(parse('`Run Name`')).toEqual([{ entity: 'attribute', key: 'run_name', ascending: true }]);
  });

  it('rejects duplicates, including via aliases', () => {
    expect(bad('metrics.a', 'metrics.a DESC')).toMatch(
      /order_by.*duplicate fields: metric 'a'.*'metrics\.a' and 'metrics\.a DESC'/,
    );
    expect(bad('created', 'start_time DESC')).toMatch(/duplicate fields: attribute 'start_time'/);
    expect(bad('metrics.`a`', '`metrics`.a')).toMatch(/duplicate/);
  });

  it('allows the same key under different entities', () => {
    expect(parse('metrics.a', 'params.a', 'tags.a')).toHaveLength(3);
  });

  it('rejects non-orderable entities and keys', () => {
    expect(bad('datasets.name')).toMatch(
      /^Invalid order_by entity type 'dataset' in clause 'datasets\.name'\. Orderable entities are \['metric', 'param', 'tag', 'attribute'\]/,
    );
    expect(bad('experiment_id')).toMatch(
      /^Invalid order_by key 'experiment_id' in clause 'experiment_id'\. Valid keys are '\['run_id',/,
    );
    expect(bad('foo.bar')).toMatch(/^Invalid entity type 'foo'/);
  });

  it('rejects bad syntax with a clear message', () => {
    expect(bad('')).toBe("Invalid order_by clause '': expected 'identifier [ASC|DESC]'");
    expect(bad('   ')).toMatch(/Invalid order_by clause ' {3}'/);
    expect(bad('metrics.a ASC DESC')).toMatch(
      /Invalid order_by clause 'metrics\.a ASC DESC': unexpected 'DESC' at position 14/,
    );
    expect(bad('metrics.a b c')).toMatch(/unknown ordering direction 'b' at position 10; expected ASC or DESC/);
    expect(bad('metrics.a UP')).toMatch(/unknown ordering direction 'UP'/);
    expect(bad('metrics.a, metrics.b')).toMatch(/unknown ordering direction ','/);
    expect(bad('DESC')).toMatch(/Invalid order_by key 'DESC'/);
    expect(bad('metrics.`a')).toMatch(/Invalid order_by clause .*unterminated ` quote/);
    expect(bad('metrics.a\u0000')).toMatch(/unexpected character '\\x00'/);
    expect(bad('metrics.')).toMatch(/missing key after 'metrics\.'/);
    expect(bad('(metrics.a)')).toMatch(/expected an identifier, got '\(' at position 0/);
    expect(bad("'metrics.a'")).toMatch(/expected an identifier/);
    expect(bad('metrics.a > 1')).toMatch(/unknown ordering direction '>'/);
  });

  it('rejects non-string elements', () => {
    expect(bad(42)).toBe("Invalid order_by clause number: expected 'identifier [ASC|DESC]'");
    expect(invalidMessage('metrics.a' as unknown as unknown[], RUNS_GRAMMAR)).toMatch(/expected a list of strings/);
  });

  it('bounds the echoed text for huge clauses', () => {
    const msg = bad(`metrics.a ${'x'.repeat(50_000)}`);
    expect(msg.length).toBeLessThan(300);
  });
});

describe('parseOrderBy (experiments)', () => {
  const bad = (...o: string[]) => invalidMessage(o, EXPERIMENTS_GRAMMAR);

  it('accepts the four keys', () => {
    expect(
      parseOrderBy(
        ['name', 'experiment_id DESC', 'creation_time asc', 'attribute.last_update_time DESC'],
        EXPERIMENTS_GRAMMAR,
      ),
    ).toEqual([
      { entity: 'attribute', key: 'name', ascending: true },
      { entity: 'attribute', key: 'experiment_id', ascending: false },
      { entity: 'attribute', key: 'creation_time', ascending: true },
      { entity: 'attribute', key: 'last_update_time', ascending: false },
    ]);
  });

  it('rejects other keys and entities', () => {
    expect(bad('lifecycle_stage')).toMatch(
      /Invalid order_by key 'lifecycle_stage'.*\['name', 'experiment_id', 'creation_time', 'last_update_time'\]/,
    );
    expect(bad('tags.k')).toMatch(/Invalid order_by entity type 'tag'.*Orderable entities are \['attribute'\]/);
    expect(bad('metrics.m')).toMatch(/Invalid entity type 'metrics'/);
  });
});

describe('parseOrderBy (registered models)', () => {
  const parse = (...o: string[]) => parseOrderBy(o, REGISTERED_MODELS_GRAMMAR);
  const bad = (...o: string[]) => invalidMessage(o, REGISTERED_MODELS_GRAMMAR);

  it('canonicalises timestamp to last_updated_timestamp', () => {
    expect(parse('name DESC', 'timestamp')).toEqual([
      { entity: 'attribute', key: 'name', ascending: false },
      { entity: 'attribute', key: 'last_updated_timestamp', ascending: true },
    ]);
    expect(parse('last_updated_timestamp DESC')).toEqual([
      { entity: 'attribute', key: 'last_updated_timestamp', ascending: false },
    ]);
  });

  it('treats timestamp and last_updated_timestamp as duplicates', () => {
    expect(bad('timestamp', 'last_updated_timestamp DESC')).toMatch(
      /duplicate fields: attribute 'last_updated_timestamp'/,
    );
  });

  it('rejects creation_timestamp and tags', () => {
    expect(bad('creation_timestamp')).toMatch(
      /Invalid order_by key 'creation_timestamp'.*\['name', 'last_updated_timestamp', 'timestamp'\]/,
    );
    expect(bad('tags.k')).toMatch(/Invalid order_by entity type 'tag'/);
  });
});

describe('parseOrderBy (model versions)', () => {
  it('accepts the four keys', () => {
    expect(
      parseOrderBy(
        ['name', 'version_number DESC', 'creation_timestamp', 'last_updated_timestamp DESC'],
        MODEL_VERSIONS_GRAMMAR,
      ),
    ).toEqual([
      { entity: 'attribute', key: 'name', ascending: true },
      { entity: 'attribute', key: 'version_number', ascending: false },
      { entity: 'attribute', key: 'creation_timestamp', ascending: true },
      { entity: 'attribute', key: 'last_updated_timestamp', ascending: false },
    ]);
  });

  it('rejects other keys', () => {
    expect(invalidMessage(['run_id'], MODEL_VERSIONS_GRAMMAR)).toMatch(/Invalid order_by key 'run_id'/);
    expect(invalidMessage(['timestamp'], MODEL_VERSIONS_GRAMMAR)).toMatch(/Invalid order_by key 'timestamp'/);
  });
});
