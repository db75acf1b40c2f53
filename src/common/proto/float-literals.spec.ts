import { describe, expect, it } from 'vitest';
import { parseJsonBody } from '../http/body';
import { message, f } from './fields';
import { isFloatLiteral, pyFloatText } from './float-literals';
import { parseMessage } from './parse';

describe('integral float literals (issue 15: a JSON 9.0 is a double, not an int)', () => {
  it('parses values unchanged and remembers which were written as floats', () => {
    const body = parseJsonBody(
      '{"a": 9.0, "b": 9, "c": [1e+3, 2, -0.0], "d": {"e": 1.50e+1}, "s": "x:9.0 \\" 1e3"}',
    ) as any;
    expect(body).toEqual({ a: 9, b: 9, c: [1000, 2, -0], d: { e: 15 }, s: 'x:9.0 " 1e3' });
    expect(isFloatLiteral(body, 'a')).toBe(true);
    expect(isFloatLiteral(body, 'b')).toBe(false);
    expect(isFloatLiteral(body.c, 0)).toBe(true);
    expect(isFloatLiteral(body.c, 1)).toBe(false);
    expect(isFloatLiteral(body.c, 2)).toBe(true);
    expect(isFloatLiteral(body.d, 'e')).toBe(true);
    expect(isFloatLiteral(body, 's')).toBe(false);
  });

  it('reports them as MLflow does: value 9.0, type float; str(9.0) for experiment ids', () => {
    const spec = message({ run_id: f.string(), experiment_id: f.string().numeric(), ids: f.repeated(f.string()) });
    const body = parseJsonBody('{"run_id": 9.0}') as Record<string, unknown>;
    expect(() => parseMessage(spec, body)).toThrow(
      "Invalid value 9.0 for parameter 'run_id' supplied: Hint: Value was of type 'float'.",
    );
    expect(() => parseMessage(spec, parseJsonBody('{"run_id": 9}') as Record<string, unknown>)).toThrow(
      "Invalid value 9 for parameter 'run_id' supplied: Hint: Value was of type 'int'.",
    );
    expect(() => parseMessage(spec, parseJsonBody('{"ids": ["a", 2.0]}') as Record<string, unknown>)).toThrow(
      "Invalid value 2.0 for parameter 'ids[1]' supplied: Hint: Value was of type 'float'.",
    );
    expect(parseMessage(spec, parseJsonBody('{"experiment_id": 3.0}') as Record<string, unknown>)).toEqual({
      experiment_id: '3.0',
    });
    expect(parseMessage(spec, parseJsonBody('{"experiment_id": 3}') as Record<string, unknown>)).toEqual({
      experiment_id: '3',
    });
  });

  it('formats like Python str(float)', () => {
    expect(pyFloatText(9)).toBe('9.0');
    expect(pyFloatText(-0)).toBe('-0.0');
    expect(pyFloatText(1e16)).toBe('1e+16');
  });
});
