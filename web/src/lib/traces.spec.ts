import { describe, expect, it } from 'vitest';
import { attributesOf, durationMs, fmtMs, plain, spanTree } from './traces';

const span = (id: string, parent: string | null, start: number, end: number, extra = {}) => ({
  span_id: id,
  parent_span_id: parent,
  name: `s-${id}`,
  start_time_unix_nano: start * 1e6,
  end_time_unix_nano: end * 1e6,
  ...extra,
});

describe('trace helpers', () => {
  it('reads OTLP AnyValues and MLflow JSON-string attributes alike', () => {
    expect(plain({ kvlist_value: { values: [{ key: 'a', value: { int_value: '2' } }] } })).toEqual({ a: 2 });
    expect(plain({ array_value: { values: [{ bool_value: true }, { double_value: 0.5 }] } })).toEqual([true, 0.5]);
    expect(attributesOf({ attributes: [{ key: 'x', value: { string_value: '{"q": 1}' } }] })).toEqual({ x: { q: 1 } });
    expect(attributesOf({ attributes: { 'mlflow.spanInputs': '{"a": 2}', plain: 'text' } })).toEqual({
      'mlflow.spanInputs': { a: 2 },
      plain: 'text',
    });
  });

  it('orders spans as a tree with depths and a timeline from the first start', () => {
    const { rows, totalMs } = spanTree([
      span('c2', 'root', 30, 40),
      span('root', null, 10, 60, {
        attributes: [
          { key: 'mlflow.spanInputs', value: { string_value: '{"a": 2}' } },
          { key: 'mlflow.spanOutputs', value: { int_value: 5 } },
          { key: 'mlflow.spanType', value: { string_value: '"CHAIN"' } },
          { key: 'model', value: { string_value: '"gpt"' } },
        ],
        status: { code: 'STATUS_CODE_OK' },
      }),
      span('c1', 'root', 12, 20, { events: [{ name: 'exception', time_unix_nano: 15e6, attributes: { msg: 'x' } }] }),
      span('g1', 'c1', 13, 14),
      span('orphan', 'gone', 50, 55),
    ]);
    expect(rows.map((r) => [r.id, r.depth])).toEqual([
      ['root', 0],
      ['c1', 1],
      ['g1', 2],
      ['c2', 1],
      ['orphan', 0],
    ]);
    expect(totalMs).toBe(50);
    expect(rows[0]).toMatchObject({
      startMs: 0,
      durationMs: 50,
      inputs: { a: 2 },
      outputs: 5,
      type: 'CHAIN',
      status: 'OK',
    });
    expect(rows[0].attributes).toEqual({ model: 'gpt' });
    expect(rows[1].events).toEqual([{ name: 'exception', timeMs: 5, attributes: { msg: 'x' } }]);
  });

  it('formats durations', () => {
    expect(durationMs('0.012s')).toBeCloseTo(12);
    expect(fmtMs(0.5)).toBe('500 µs');
    expect(fmtMs(2.25)).toBe('2.3 ms');
    expect(fmtMs(1500)).toBe('1.50 s');
  });
});
