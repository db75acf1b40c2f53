import { ErrorCode, MlflowError } from '../../common/mlflow-error';
import { NdArray, Scalar, shapeRepr } from './ndarray';
import { describeInput, DictInput, FrameInput, inferDtype, PyfuncInput } from './pyfunc-input';
import { ColSpec, COLUMN_NUMPY, hasInputNames, InputSchema, schemaRepr, TensorSpec } from './signature';

/**
 * MLflow's signature enforcement (`mlflow.models.utils._enforce_schema` and the casts of
 * `dataframe_from_parsed_json` / `parse_tf_serving_input` with a schema), with its messages:
 * required inputs present (extra ones dropped), columns cast to their declared type where that
 * is safe (int → long/double, float → double, numeric text → numbers, as pandas' `astype`),
 * tensors cast to their dtype and checked against the declared shape (-1 = any size).
 */

/** A failure inside `_enforce_schema`: answered wrapped in MLflow's "Failed to enforce schema" text. */
class SchemaError extends Error {}

const FLOAT = new Set(['float16', 'float32', 'float64']);
const INT = new Set(['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64']);

/** pandas `astype` at parse time: numbers and numeric text to numbers; anything else is refused. */
function castValue(v: Scalar, dtype: string, label: string): Scalar {
  const fail = (why: string): never => {
    throw MlflowError.invalid(
      `Data is not compatible with model signature. Failed to convert column ${label} to type '${dtype}'. Error: '${why}'`,
    );
  };
  if (FLOAT.has(dtype) || INT.has(dtype)) {
    if (v === null) return INT.has(dtype) ? fail('cannot convert NA to integer') : NaN;
    const n = typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : Number(v.trim() === '' ? NaN : v);
    if (Number.isNaN(n) && !(typeof v === 'number')) fail(`ValueError("could not convert string to float: '${v}'")`);
    if (INT.has(dtype) && !Number.isInteger(n))
      throw new SchemaError(
        `Incompatible input types for column ${label}. Can not safely convert float64 to ${dtype}.`,
      );
    return dtype === 'float32' ? Math.fround(n) : n;
  }
  if (dtype === 'bool') {
    if (typeof v !== 'boolean')
      throw new SchemaError(
        `Incompatible input types for column ${label}. Can not safely convert ${inferDtype([v])} to bool.`,
      );
    return v;
  }
  return v;
}

function castColumn(name: string, values: Scalar[], spec: ColSpec): Scalar[] {
  if (spec.type === 'string' || spec.type === 'binary' || spec.type === 'datetime') {
    const bad = values.find((v) => v !== null && typeof v !== 'string');
    if (bad !== undefined)
      throw new SchemaError(
        `Incompatible input types for column ${name}. Can not safely convert ${inferDtype(values)} to ${COLUMN_NUMPY[spec.type]}.`,
      );
    return values;
  }
  return values.map((v) => castValue(v, COLUMN_NUMPY[spec.type], name));
}

/** `pd.DataFrame(x)` of a non-frame input, as `_enforce_schema` does for column-based signatures. */
function asFrame(input: PyfuncInput): FrameInput {
  if (input.kind === 'frame') return input;
  if (input.kind === 'array') {
    const { data, shape } = input.array;
    if (shape.length === 0) return { kind: 'frame', columns: ['0'], values: [[data[0]]] };
    if (shape.length > 2)
      throw new SchemaError(`Expected input to be DataFrame. Found: ndarray of ${shape.length} dimensions`);
    const width = shape.length === 1 ? 1 : shape[1];
    return {
      kind: 'frame',
      columns: Array.from({ length: width }, (_, j) => String(j)),
      values: Array.from({ length: width }, (_, j) => Array.from({ length: shape[0] }, (_, i) => data[i * width + j])),
    };
  }
  const entries = [...input.tensors];
  if (entries.every(([, t]) => t.shape.length === 0))
    return { kind: 'frame', columns: entries.map(([k]) => k), values: entries.map(([, t]) => [t.data[0]]) };
  const rows = entries[0]?.[1].shape[0] ?? 0;
  if (!entries.every(([, t]) => t.shape.length === 1 && t.shape[0] === rows))
    throw new SchemaError(
      'This model contains a column-based signature, which suggests a DataFrame input. There was an error casting the input data to a DataFrame: All arrays must be of the same length',
    );
  return { kind: 'frame', columns: entries.map(([k]) => k), values: entries.map(([, t]) => t.data) };
}

function checkNames(input: PyfuncInput, schema: InputSchema): void {
  const required = schema.inputs.filter((i) => !('required' in i) || i.required).map((i) => i.name as string);
  const optional = schema.inputs.filter((i) => 'required' in i && !i.required).map((i) => i.name as string);
  const actual =
    input.kind === 'frame'
      ? input.columns
      : input.kind === 'dict'
        ? [...input.tensors.keys()]
        : required.length === 1
          ? required
          : [];
  const missing = required.filter((n) => !actual.includes(n));
  const extra = actual.filter((n) => !required.includes(n) && !optional.includes(n));
  if (missing.length) {
    const list = (xs: string[]) => `[${xs.map((x) => `'${x}'`).join(', ')}]`;
    throw new SchemaError(
      `Model is missing inputs ${list(missing)}.${extra.length ? ` Note that there were extra inputs: ${list(extra)}` : ''}`,
    );
  }
}

function enforceColumns(input: PyfuncInput, inputs: ColSpec[], named: boolean): FrameInput {
  const frame = asFrame(input);
  if (!named && frame.columns.length < inputs.length)
    throw new SchemaError(
      `Model inference is missing inputs. The model signature declares ${inputs.length} inputs  but the provided value only has ${frame.columns.length} inputs. Note: the inputs were not named in the signature so we can only verify their count.`,
    );
  const out: FrameInput = { kind: 'frame', columns: [], values: [], dtypes: [] };
  inputs.forEach((spec, i) => {
    const j = named ? frame.columns.indexOf(spec.name as string) : i;
    if (j < 0) return; // an optional column left out
    out.columns.push(frame.columns[j]);
    out.values.push(castColumn(frame.columns[j], frame.values[j], spec));
    out.dtypes!.push(COLUMN_NUMPY[spec.type]);
  });
  return out;
}

function enforceTensor(t: NdArray, spec: TensorSpec, label: string): NdArray & { dtype: string } {
  const mismatch = () =>
    new SchemaError(`Shape of input ${shapeRepr(t.shape)} does not match expected shape ${shapeRepr(spec.shape)}.`);
  if (t.shape.length !== spec.shape.length) throw mismatch();
  if (spec.shape.some((d, i) => d !== -1 && d !== t.shape[i])) throw mismatch();
  return { data: t.data.map((v) => castValue(v, spec.dtype, label)), shape: t.shape, dtype: spec.dtype };
}

/** A frame column as a tensor of the spec's shape (`_reshape_and_cast_pandas_column_values`). */
function columnTensor(name: string | null, values: Scalar[], spec: TensorSpec): NdArray {
  const label = name === null ? 'the unnamed input' : `input ${name}`;
  if (spec.shape[0] !== -1 || spec.shape.slice(1).includes(-1))
    throw new SchemaError(
      `For pandas dataframe input, the first dimension of shape must be a variable dimension and other dimensions must be fixed, but in model signature the shape of ${label} is ${shapeRepr(spec.shape)}.`,
    );
  if (spec.shape.length > 2 || (spec.shape.length === 2 && spec.shape[1] !== 1))
    throw new SchemaError(
      `The input pandas dataframe column '${name}' contains scalar values, which requires the shape to be (-1,) or (-1, 1), but got tensor spec shape of ${shapeRepr(spec.shape)}.`,
    );
  return { data: values, shape: spec.shape.length === 1 ? [values.length] : [values.length, 1] };
}

function enforceTensors(input: PyfuncInput, inputs: TensorSpec[], named: boolean): PyfuncInput {
  if (named) {
    const source: DictInput =
      input.kind === 'array'
        ? { kind: 'dict', tensors: new Map([[inputs[0].name as string, input.array]]) }
        : (input as DictInput);
    const tensors = new Map<string, NdArray & { dtype: string }>();
    for (const spec of inputs) {
      const name = spec.name as string;
      const t =
        input.kind === 'frame'
          ? columnTensor(name, input.values[input.columns.indexOf(name)], spec)
          : (source.tensors.get(name) as NdArray);
      tensors.set(name, enforceTensor(t, spec, name));
    }
    return { kind: 'dict', tensors };
  }
  const spec = inputs[0];
  if (input.kind === 'dict')
    throw new SchemaError(
      `This model contains a tensor-based model signature with no input names, which suggests a numpy array input or a pandas dataframe input with proper column values, but an input of type dict was found.`,
    );
  if (input.kind === 'array') return { kind: 'array', array: enforceTensor(input.array, spec, 'input') };
  const rows = input.values[0]?.length ?? 0;
  if (rows === 0) throw new SchemaError('Input DataFrame is empty.');
  if (input.columns.length === 1)
    return { kind: 'array', array: enforceTensor(columnTensor(null, input.values[0], spec), spec, input.columns[0]) };
  if (spec.shape.length !== 2 || spec.shape[0] !== -1 || spec.shape[1] !== input.columns.length)
    throw new SchemaError(
      `This model contains a model signature with an unnamed input. Since the input data is a pandas DataFrame containing multiple columns, the input shape must be of the structure (-1, number_of_dataframe_columns). Instead, the input DataFrame passed had ${input.columns.length} columns and an input shape of ${shapeRepr(spec.shape)} with all values within the DataFrame of scalar type. Please adjust the passed in DataFrame to match the expected structure`,
    );
  const data = Array.from({ length: rows }, (_, i) => input.values.map((c) => c[i])).flat();
  return { kind: 'array', array: enforceTensor({ data, shape: [rows, input.columns.length] }, spec, 'input') };
}

/**
 * The input as the model receives it after MLflow's `PyFuncModel.predict` enforced `schema`.
 * Enforcement failures are 400 INVALID_PARAMETER_VALUE with MLflow's scoring-server text.
 */
export function enforceSchema(input: PyfuncInput, schema: InputSchema): PyfuncInput {
  try {
    const named = hasInputNames(schema);
    if (named) checkNames(input, schema);
    return schema.kind === 'columns'
      ? enforceColumns(input, schema.inputs, named)
      : enforceTensors(input, schema.inputs, named);
  } catch (err) {
    if (!(err instanceof SchemaError)) throw err;
    const data = describeInput(input);
    throw new MlflowError(
      ErrorCode.INVALID_PARAMETER_VALUE,
      `Failed to predict data '${data}'. \nError: Failed to enforce schema of data '${data}' with schema '${schemaRepr(schema)}'. Error: ${err.message}`,
    );
  }
}
