import { describe, expect, it } from 'vitest';
import { MlflowError } from '../../common/mlflow-error';
import { FrameInput, frameInput, pyfuncInput } from './pyfunc-input';
import { enforceSchema } from './schema-enforcement';
import { InputSchema, parseInputSchema, schemaRepr } from './signature';

const columns = (specs: unknown[]) => parseInputSchema(JSON.stringify(specs)) as InputSchema;
const frame = (cols: string[], rows: unknown[][]) => frameInput({ columns: cols, data: rows });
const failure = (fn: () => unknown): MlflowError => {
  try {
    fn();
  } catch (err) {
    return err as MlflowError;
  }
  throw new Error('expected a failure');
};

describe('enforceSchema (MLflow _enforce_schema)', () => {
  const schema = columns([
    { type: 'double', name: 'a', required: true },
    { type: 'long', name: 'b', required: true },
    { type: 'float', name: 'c', required: false },
  ]);

  it('repr as MLflow prints a Schema', () => {
    expect(schemaRepr(schema)).toBe("['a': double (required), 'b': long (required), 'c': float (optional)]");
    expect(schemaRepr(parseInputSchema('[{"type":"tensor","tensor-spec":{"dtype":"float32","shape":[-1]}}]')!)).toBe(
      "[Tensor('float32', (-1,))]",
    );
  });

  it('optional columns may be left out; columns come back in schema order, extra ones dropped', () => {
    const out = enforceSchema(frame(['z', 'b', 'a'], [[0, 2, 1]]), schema) as FrameInput;
    expect(out.columns).toEqual(['a', 'b']);
    expect(out.values).toEqual([[1], [2]]);
    const all = enforceSchema(frame(['c', 'b', 'a'], [[0.1, 2, 1]]), schema) as FrameInput;
    expect(all.columns).toEqual(['a', 'b', 'c']);
    expect(all.values[2][0]).toBe(Math.fround(0.1));
  });

  it('widening: int → double, numeric text → numbers; not float → long, not text → double', () => {
    expect((enforceSchema(frame(['a', 'b'], [['2.5', '3']]), schema) as FrameInput).values).toEqual([[2.5], [3]]);
    expect(failure(() => enforceSchema(frame(['a', 'b'], [[1, 2.5]]), schema)).message).toContain(
      'Incompatible input types for column b. Can not safely convert float64 to int64.',
    );
    const text = failure(() => enforceSchema(frame(['a', 'b'], [['x', 1]]), schema));
    expect(text.code).toBe('INVALID_PARAMETER_VALUE');
    expect(text.message).toMatch(
      /^Data is not compatible with model signature\. Failed to convert column a to type 'float64'/,
    );
  });

  it('missing required inputs name the extra ones too', () => {
    const err = failure(() => enforceSchema(frame(['a', 'x'], [[1, 2]]), schema));
    expect(err.message).toMatch(
      /Failed to enforce schema of data .* with schema '\['a': double \(required\).*\]'\. Error: Model is missing inputs \['b'\]\. Note that there were extra inputs: \['x'\]$/s,
    );
  });

  it('unnamed column signatures only check the count', () => {
    const unnamed = columns([{ type: 'double' }, { type: 'double' }]);
    expect(failure(() => enforceSchema(frame(['p'], [[1]]), unnamed)).message).toContain(
      'The model signature declares 2 inputs  but the provided value only has 1 inputs.',
    );
    const ok = enforceSchema(pyfuncInput({ format: 'inputs', value: [[1, 2]], params: {} }), unnamed) as FrameInput;
    expect(ok.values).toEqual([[1], [2]]);
  });

  it('tensor signatures: -1 is any size, other dimensions and the rank must match', () => {
    const tensors = parseInputSchema('[{"type":"tensor","tensor-spec":{"dtype":"float64","shape":[-1,2]}}]')!;
    const input = (value: unknown) => pyfuncInput({ format: 'inputs', value, params: {} });
    expect(
      enforceSchema(
        input([
          [1, 2],
          [3, 4],
          [5, 6],
        ]),
        tensors,
      ),
    ).toMatchObject({
      kind: 'array',
      array: { shape: [3, 2], dtype: 'float64' },
    });
    expect(failure(() => enforceSchema(input([1, 2]), tensors)).message).toContain(
      'Shape of input (2,) does not match expected shape (-1, 2).',
    );
    // a two-column frame is the (-1, 2) tensor
    expect(enforceSchema(frame(['u', 'v'], [[1, 2]]), tensors)).toMatchObject({
      array: { data: [1, 2], shape: [1, 2] },
    });
  });
});
