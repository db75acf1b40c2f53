import { describe, expect, it } from 'vitest';
import { f, Field, message } from './fields';
import { normaliseQuery, parseMessage } from './parse';
import { requestArgs } from './rpc.decorator';
import { invalidMessage } from '../../../test/support/mlflow-errors';

const DOCS = 'See the API docs for more information about request parameters.';

/** Parse `{x: v}` against a one-field message. */
const one = (field: Field<unknown, boolean>, v: unknown): unknown => parseMessage({ x: field }, { x: v }).x;

describe('parseMessage: scalar kinds', () => {
  it('strings must be JSON strings; numbers only where the field is .numeric()', () => {
    expect(one(f.string(), 'abc')).toBe('abc');
    expect(invalidMessage(() => parseMessage(message({ run_id: f.string() }), { run_id: 31 }))).toBe(
      `Invalid value 31 for parameter 'run_id' supplied: Hint: Value was of type 'int'. ${DOCS}`,
    );
    expect(invalidMessage(() => one(f.string(), 1.5))).toContain("Hint: Value was of type 'float'");
    expect(invalidMessage(() => one(f.string(), true))).toContain(
      "Invalid value true for parameter 'x' supplied: Hint: Value was of type 'bool'",
    );
    expect(invalidMessage(() => one(f.string(), { a: 1 }))).toContain(
      `Invalid value {"a":1} for parameter 'x' supplied: Hint: Value was of type 'dict'`,
    );
    const ids = message({ experiment_id: f.string().numeric(), experiment_ids: f.repeated(f.string().numeric()) });
    expect(parseMessage(ids, { experiment_id: 5, experiment_ids: [1, '2', 30] })).toEqual({
      experiment_id: '5',
      experiment_ids: ['1', '2', '30'],
    });
    expect(invalidMessage(() => parseMessage(ids, { experiment_id: true }))).toContain("'experiment_id'");
  });

  it('int64 accepts integral numbers and numeric strings within the signed 64-bit range', () => {
    expect(one(f.int64(), 1_714_000_000_000)).toBe(1_714_000_000_000);
    expect(one(f.int64(), '42')).toBe(42);
    expect(one(f.int64(), ' -7 ')).toBe(-7);
    expect(one(f.int64(), 0)).toBe(0);
    expect(one(f.int64(), 1e3)).toBe(1000);
    expect(one(f.int64(), -(2 ** 63))).toBe(-(2 ** 63));
    expect(one(f.int64(), '-9223372036854775808')).toBe(-(2 ** 63));
    // The largest double below 2^63; 2^63 - 1 itself is not representable and rounds up to 2^63.
    expect(one(f.int64(), '9223372036854774784')).toBe(9223372036854774784);
    for (const bad of [
      2 ** 63,
      '9223372036854775808',
      -(2 ** 63) - 4096,
      '99999999999999999999',
      1.5,
      '1.5',
      '1e3',
      '+1',
      'abc',
      ' ',
      true,
      [1],
    ]) {
      expect(
        invalidMessage(() => one(f.int64(), bad)),
        String(bad),
      ).toMatch(/^Invalid value .* for parameter 'x' supplied: Hint: Value was of type '(int|float|str|bool|list)'\./);
    }
    expect(invalidMessage(() => parseMessage(message({ timestamp: f.int64() }), { timestamp: 'soon' }))).toBe(
      `Invalid value "soon" for parameter 'timestamp' supplied: Hint: Value was of type 'str'. ${DOCS}`,
    );
  });

  it('int32 enforces the signed 32-bit range', () => {
    const i32 = message({ n: f.int32() });
    expect(parseMessage(i32, { n: 2 ** 31 - 1 }).n).toBe(2147483647);
    expect(parseMessage(i32, { n: -(2 ** 31) }).n).toBe(-2147483648);
    expect(parseMessage(i32, { n: '2147483647' }).n).toBe(2147483647);
    expect(invalidMessage(() => parseMessage(i32, { n: 2 ** 31 }))).toContain(
      "Invalid value 2147483648 for parameter 'n'",
    );
    expect(invalidMessage(() => parseMessage(i32, { n: -(2 ** 31) - 1 }))).toContain("parameter 'n'");
    expect(invalidMessage(() => parseMessage(i32, { n: '2147483648' }))).toContain("parameter 'n'");
  });

  it('double accepts numbers, numeric strings and the protobuf names of NaN and the infinities', () => {
    expect(one(f.double(), 1.5)).toBe(1.5);
    expect(one(f.double(), -0.25)).toBe(-0.25);
    expect(one(f.double(), 7)).toBe(7);
    expect(one(f.double(), '2.5')).toBe(2.5);
    expect(one(f.double(), '-1e-3')).toBe(-0.001);
    expect(one(f.double(), '.5')).toBe(0.5);
    expect(one(f.double(), '+3')).toBe(3);
    expect(one(f.double(), 'NaN')).toBeNaN();
    expect(one(f.double(), 'Infinity')).toBe(Infinity);
    expect(one(f.double(), '-Infinity')).toBe(-Infinity);
    expect(invalidMessage(() => parseMessage(message({ value: f.double() }), { value: true }))).toBe(
      `Invalid value true for parameter 'value' supplied: Hint: Value was of type 'bool'. ${DOCS}`,
    );
    for (const bad of [false, 'abc', '1.2.3', '0x10', 'nan1', [1], { v: 1 }]) {
      expect(
        invalidMessage(() => one(f.double(), bad)),
        JSON.stringify(bad),
      ).toContain("for parameter 'x' supplied");
    }
  });

  it('bool accepts JSON booleans and the query-string words true/false only', () => {
    expect(one(f.bool(), true)).toBe(true);
    expect(one(f.bool(), false)).toBe(false);
    expect(one(f.bool(), 'true')).toBe(true);
    expect(one(f.bool(), 'false')).toBe(false);
    for (const bad of [1, 0, 'yes', 'True', 'FALSE']) {
      expect(
        invalidMessage(() => one(f.bool(), bad)),
        String(bad),
      ).toContain("for parameter 'x' supplied");
    }
  });

  it('enums accept the name or the 1-based number (JSON number or numeric string)', () => {
    const spec = message({ status: f.enum(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'] as const) });
    expect(parseMessage(spec, { status: 'FINISHED' }).status).toBe('FINISHED');
    expect(parseMessage(spec, { status: 3 }).status).toBe('FINISHED');
    expect(parseMessage(spec, { status: '5' }).status).toBe('KILLED');
    expect(parseMessage(spec, { status: 1 }).status).toBe('RUNNING');
    const msg = invalidMessage(() => parseMessage(spec, { status: 'finished' }));
    expect(msg).toContain(`Invalid value "finished" for parameter 'status' supplied`);
    expect(msg).toContain('RUNNING, SCHEDULED, FINISHED, FAILED, KILLED');
    expect(msg).toContain(DOCS);
    for (const bad of [0, 6, '0', 2.5, true])
      expect(
        invalidMessage(() => parseMessage(spec, { status: bad })),
        String(bad),
      ).toContain("'status'");
  });

  it('json fields pass any value through', () => {
    const spec = message({ spec: f.json() });
    expect(parseMessage(spec, { spec: { a: [1, { b: null }] } }).spec).toEqual({ a: [1, { b: null }] });
  });
});

describe('parseMessage: presence, repetition, nesting', () => {
  const Metric = message({
    key: f.string().required(),
    value: f.double().required(),
    timestamp: f.int64().required(),
    step: f.int64(),
  });
  const LogBatch = message({
    run_id: f.string().required(),
    metrics: f.repeated(f.message(Metric)),
    tags: f.repeated(f.message(message({ key: f.string().required(), value: f.string() }))),
  });

  it('a missing, null or empty-string required field is missing; 0 and false are not', () => {
    const expected = `Missing value for required parameter 'x'. ${DOCS}`;
    const spec = message({ x: f.string().required() });
    expect(invalidMessage(() => parseMessage(spec, {}))).toBe(expected);
    expect(invalidMessage(() => parseMessage(spec, { x: null }))).toBe(expected);
    expect(invalidMessage(() => parseMessage(spec, { x: '' }))).toBe(expected);
    expect(parseMessage(message({ x: f.int64().required() }), { x: 0 }).x).toBe(0);
    expect(parseMessage(message({ x: f.bool().required() }), { x: false }).x).toBe(false);
  });

  it('optional fields: "" is kept for strings, absent and null are omitted, unknown fields are ignored', () => {
    const spec = message({ s: f.string(), n: f.int64(), d: f.double() });
    const out = parseMessage(spec, { s: '', n: null, extra: 'ignored' });
    expect(out).toEqual({ s: '' });
    expect('n' in out).toBe(false);
    expect(parseMessage(spec, { n: '', d: '' })).toEqual({});
  });

  it('nested errors use JSON paths like metrics[0].timestamp', () => {
    expect(invalidMessage(() => parseMessage(LogBatch, { run_id: 'r', metrics: [{ key: 'm', value: 1 }] }))).toBe(
      `Missing value for required parameter 'metrics[0].timestamp'. ${DOCS}`,
    );
    expect(
      invalidMessage(() =>
        parseMessage(LogBatch, {
          run_id: 'r',
          metrics: [
            { key: 'm', value: 1, timestamp: 1 },
            { key: 'n', value: 'x', timestamp: 1 },
          ],
        }),
      ),
    ).toBe(`Invalid value "x" for parameter 'metrics[1].value' supplied: Hint: Value was of type 'str'. ${DOCS}`);
    expect(invalidMessage(() => parseMessage(LogBatch, { run_id: 'r', tags: [{ key: 'a' }, null] }))).toBe(
      `Missing value for required parameter 'tags[1]'. ${DOCS}`,
    );
    expect(invalidMessage(() => parseMessage(LogBatch, { run_id: 'r', tags: ['a'] }))).toContain(
      "parameter 'tags[0]' supplied: Hint: Value was of type 'str'",
    );
    const parsed = parseMessage(LogBatch, { run_id: 'r', metrics: [{ key: 'm', value: 'NaN', timestamp: '5' }] });
    expect(parsed.metrics?.[0].value).toBeNaN();
    expect(parsed.metrics?.[0]).toMatchObject({ key: 'm', timestamp: 5 });
    expect(parsed.metrics?.[0].step).toBeUndefined();
  });

  it('a repeated field that is not an array is rejected with its value and type', () => {
    expect(invalidMessage(() => parseMessage(LogBatch, { run_id: 'r', metrics: 'foo' }))).toBe(
      `Invalid value "foo" for parameter 'metrics' supplied: Hint: Value was of type 'str'. ${DOCS}`,
    );
    expect(invalidMessage(() => parseMessage(LogBatch, { run_id: 'r', tags: { key: 'a' } }))).toContain(
      "Hint: Value was of type 'dict'",
    );
    expect(invalidMessage(() => parseMessage(message({ m: f.message(Metric) }), { m: [1] }))).toContain(
      "Hint: Value was of type 'list'",
    );
  });

  it('a required repeated field needs at least one element; an optional one keeps []', () => {
    const spec = message({ run_ids: f.repeated(f.string()).required(), stages: f.repeated(f.string()) });
    expect(invalidMessage(() => parseMessage(spec, { run_ids: [] }))).toBe(
      `Missing value for required parameter 'run_ids'. ${DOCS}`,
    );
    expect(parseMessage(spec, { run_ids: ['a'], stages: [] })).toEqual({ run_ids: ['a'], stages: [] });
  });

  it('clips very long values in messages', () => {
    const msg = invalidMessage(() => one(f.int64(), 'x'.repeat(500)));
    expect(msg).toContain(`Invalid value "${'x'.repeat(99)}... for parameter 'x'`);
  });
});

describe('normaliseQuery', () => {
  const spec = message({ run_ids: f.repeated(f.string()), metric_key: f.string(), max_results: f.int32() });

  it('collects every occurrence of a repeated field and takes the first of a scalar', () => {
    expect(normaliseQuery(spec, { run_ids: 'a', metric_key: ['loss', 'acc'], max_results: '10', other: 'x' })).toEqual({
      run_ids: ['a'],
      metric_key: 'loss',
      max_results: '10',
    });
    expect(normaliseQuery(spec, { run_ids: ['a', 'b'] })).toEqual({ run_ids: ['a', 'b'] });
    expect(parseMessage(spec, normaliseQuery(spec, { run_ids: ['a', 'b'], max_results: ['5', '6'] }))).toEqual({
      run_ids: ['a', 'b'],
      max_results: 5,
    });
  });
});

describe('requestArgs', () => {
  const spec = message({ name: f.string(), tags: f.repeated(f.string()) });

  it('GET reads a non-empty query string, else the JSON body', () => {
    expect(
      requestArgs(spec, { method: 'GET', query: { name: ['q1', 'q2'], tags: 't' }, body: { name: 'body' } }),
    ).toEqual({ name: 'q1', tags: ['t'] });
    expect(requestArgs(spec, { method: 'GET', query: {}, body: { name: 'body' } })).toEqual({ name: 'body' });
    expect(requestArgs(spec, { method: 'get', query: undefined, body: undefined })).toEqual({});
    expect(requestArgs(spec, { method: 'HEAD', query: { name: 'h' } })).toEqual({ name: 'h' });
  });

  it('DELETE and PATCH read the JSON body, falling back to the query when the body is empty', () => {
    for (const method of ['DELETE', 'PATCH']) {
      expect(requestArgs(spec, { method, query: { name: 'q' }, body: { name: 'b' } })).toEqual({ name: 'b' });
      expect(requestArgs(spec, { method, query: { name: 'q', tags: ['x', 'y'] }, body: {} })).toEqual({
        name: 'q',
        tags: ['x', 'y'],
      });
      expect(requestArgs(spec, { method, query: { name: 'q' }, body: undefined })).toEqual({ name: 'q' });
      expect(requestArgs(spec, { method, body: null })).toEqual({});
    }
  });

  it('POST reads only the body', () => {
    expect(requestArgs(spec, { method: 'POST', query: { name: 'q' }, body: { name: 'b' } })).toEqual({ name: 'b' });
    expect(requestArgs(spec, { method: 'POST', query: { name: 'q' } })).toEqual({});
  });

  it('rejects bodies that are not JSON objects', () => {
    for (const [method, body] of [
      ['POST', [1, 2]],
      ['POST', 'text'],
      ['POST', 42],
      ['DELETE', [{}]],
      ['PATCH', true],
      ['GET', ['x']],
    ] as const) {
      expect(
        invalidMessage(() => requestArgs(spec, { method, query: {}, body })),
        `${method} ${JSON.stringify(body)}`,
      ).toContain('expected a JSON object');
    }
  });
});
