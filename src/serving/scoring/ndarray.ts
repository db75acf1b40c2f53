import { badRequest } from './protocol';

export type Scalar = number | string | boolean | null;

/** A rectangular n-d array from JSON (numpy's view of a nested list): row-major values and shape. */
export interface NdArray {
  data: Scalar[];
  shape: number[];
}

const TF_SERVING_PARSE_ERROR =
  "Failed to parse data as TF serving input. Ensure that the input is a valid JSON-formatted string that conforms to the request body for TF serving's Predict API as documented at https://www.tensorflow.org/tfx/serving/api_rest#request_format_2";

/** Python's tuple repr of a shape: `(3,)`, `(2, 4)`. */
export const shapeRepr = (shape: readonly number[]) =>
  shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;

const isScalar = (v: unknown): v is Scalar =>
  v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean';

/** `np.array(value)`; ragged or non-scalar leaves are refused as MLflow's TF-serving parser does. */
export function toNdArray(value: unknown, what = 'input'): NdArray {
  const shape: number[] = [];
  for (let v = value; Array.isArray(v); v = v[0]) shape.push(v.length);
  const data: Scalar[] = [];
  const walk = (v: unknown, depth: number) => {
    if (depth === shape.length) {
      if (!isScalar(v)) throw badRequest(`${TF_SERVING_PARSE_ERROR}. Error: ${what} holds a nested object.`);
      data.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth])
      throw badRequest(`${TF_SERVING_PARSE_ERROR}. Error: ${what} is a ragged nested list (not rectangular).`);
    for (const x of v) walk(x, depth + 1);
  };
  walk(value, 0);
  return { data, shape };
}

/** Rows of a 2-d array (or one value per row of a 1-d array) as nested lists. */
export function toNested(data: ArrayLike<unknown>, shape: readonly number[]): unknown {
  if (shape.length === 0) return data[0];
  let offset = 0;
  const build = (depth: number): unknown[] => {
    const out: unknown[] = [];
    for (let i = 0; i < shape[depth]; i++) {
      if (depth === shape.length - 1) out.push(data[offset++]);
      else out.push(build(depth + 1));
    }
    return out;
  };
  return build(0);
}

/** TF-serving `instances`: a list of rows, or of records (named tensors, one entry per row). */
export function parseInstances(value: unknown): NdArray | Map<string, NdArray> {
  if (!Array.isArray(value)) throw badRequest(`${TF_SERVING_PARSE_ERROR}. Error: 'instances' must be a list.`);
  const records = value.length > 0 && value.every((r) => r && typeof r === 'object' && !Array.isArray(r));
  if (!records) return toNdArray(value, "'instances'");
  const names = Object.keys(value[0] as object);
  const out = new Map<string, NdArray>();
  for (const name of names) {
    if (!value.every((r) => name in (r as object)))
      throw badRequest(`${TF_SERVING_PARSE_ERROR}. Error: every instance must have the key '${name}'.`);
    out.set(
      name,
      toNdArray(
        value.map((r) => (r as Record<string, unknown>)[name]),
        `'${name}'`,
      ),
    );
  }
  return out;
}

/** TF-serving `inputs`: one tensor, or an object of named tensors. */
export function parseInputs(value: unknown): NdArray | Map<string, NdArray> {
  if (value && typeof value === 'object' && !Array.isArray(value))
    return new Map(Object.entries(value).map(([k, v]) => [k, toNdArray(v, `'${k}'`)]));
  return toNdArray(value, "'inputs'");
}
