import { ErrorCode, MlflowError } from '../../common/mlflow-error';
import type { Scalar } from '../scoring/ndarray';

/** A tensor on its way into or out of ONNX Runtime: its element type, flat data and dims. */
export interface RawTensor {
  type: string;
  data: ArrayLike<unknown>;
  dims: number[];
}

/** What MLflow's scoring server answers when the model itself fails on the input (400 BAD_REQUEST). */
export function evaluationError(detail: string): MlflowError {
  return new MlflowError(
    ErrorCode.BAD_REQUEST,
    `Encountered an unexpected error while evaluating the model. Verify that the serialized input Dataframe is compatible with the model for inference. ${detail}`,
  );
}

const NUMERIC: Record<string, new (n: number) => ArrayLike<number> & { [i: number]: number }> = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
};
const INTEGER = new Set(['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64']);

/**
 * JSON values as the typed array of an ONNX input type. Numbers widen to any float type (MLflow
 * casts float64 feeds to float32 for `tensor(float)` inputs; JSON cannot say float32); integer
 * inputs take integral numbers only; booleans and strings go to bool and string inputs.
 */
export function typedData(values: readonly Scalar[], type: string, input: string): RawTensor['data'] {
  const refuse = (v: Scalar): never => {
    throw evaluationError(
      `Unexpected input data type for input '${input}': ${JSON.stringify(v)?.slice(0, 40)} is not a valid tensor(${type}) element.`,
    );
  };
  if (type === 'string') return values.map((v) => (typeof v === 'string' ? v : refuse(v)));
  if (type === 'bool') return Uint8Array.from(values, (v) => (typeof v === 'boolean' ? Number(v) : refuse(v)));
  const num = (v: Scalar): number => {
    const n = v === null ? NaN : typeof v === 'boolean' ? Number(v) : typeof v === 'number' ? v : refuse(v);
    if (INTEGER.has(type) && !Number.isInteger(n)) refuse(v);
    return n;
  };
  if (type === 'int64') return BigInt64Array.from(values, (v) => BigInt(num(v)));
  if (type === 'uint64') return BigUint64Array.from(values, (v) => BigInt(num(v)));
  const Ctor = NUMERIC[type];
  if (!Ctor) throw evaluationError(`Inputs of type tensor(${type}) (input '${input}') are not supported by tsflow.`);
  const out = new Ctor(values.length);
  values.forEach((v, i) => (out[i] = num(v)));
  return out;
}

/** Output elements as JSON values (int64 as numbers, as MLflow's NumpyEncoder writes them). */
export function jsonValues(t: RawTensor): Scalar[] {
  const out: Scalar[] = new Array(t.data.length);
  for (let i = 0; i < t.data.length; i++) {
    const v = t.data[i];
    out[i] = typeof v === 'bigint' ? Number(v) : t.type === 'bool' ? Boolean(v) : (v as Scalar);
  }
  return out;
}

/** Concatenates tensors along dim 0 (same type and trailing dims). */
export function concat(parts: readonly RawTensor[]): RawTensor {
  const first = parts[0];
  const rows = parts.reduce((n, p) => n + p.dims[0], 0);
  const total = parts.reduce((n, p) => n + p.data.length, 0);
  let data: RawTensor['data'];
  if (Array.isArray(first.data)) data = parts.flatMap((p) => Array.from(p.data));
  else {
    const Ctor = (
      first.data as unknown as { constructor: new (n: number) => { set(a: ArrayLike<unknown>, o: number): void } }
    ).constructor;
    const out = new Ctor(total);
    let offset = 0;
    for (const p of parts) {
      out.set(p.data, offset);
      offset += p.data.length;
    }
    data = out as unknown as RawTensor['data'];
  }
  return { type: first.type, data, dims: [rows, ...first.dims.slice(1)] };
}

/** Splits a tensor along dim 0 into pieces of `rows[i]` rows. */
export function split(t: RawTensor, rows: readonly number[]): RawTensor[] {
  const per = t.dims.slice(1).reduce((a, b) => a * b, 1);
  let start = 0;
  return rows.map((n) => {
    const data = (t.data as unknown as { slice(a: number, b: number): ArrayLike<unknown> }).slice(
      start * per,
      (start + n) * per,
    );
    start += n;
    return { type: t.type, data, dims: [n, ...t.dims.slice(1)] };
  });
}
