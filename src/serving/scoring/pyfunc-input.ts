import { Frame, readCsv, readFrame, ScoringRequest } from './protocol';
import { NdArray, parseInputs, parseInstances, Scalar } from './ndarray';

/**
 * What a pyfunc model's `predict` receives after MLflow's scoring server parsed the request:
 * a DataFrame (dataframe_split, dataframe_records, CSV), one array, or a dict of named arrays
 * (instances, inputs). Frames are column-major; `dtype` is set once a schema has cast them.
 */
export interface FrameInput {
  kind: 'frame';
  columns: string[];
  values: Scalar[][];
  dtypes?: string[];
}
export interface ArrayInput {
  kind: 'array';
  array: NdArray & { dtype?: string };
}
export interface DictInput {
  kind: 'dict';
  tensors: Map<string, NdArray & { dtype?: string }>;
}
export type PyfuncInput = FrameInput | ArrayInput | DictInput;

export function frameInput(frame: Frame): FrameInput {
  return {
    kind: 'frame',
    columns: frame.columns,
    values: frame.columns.map((_, j) => frame.data.map((row) => (row[j] ?? null) as Scalar)),
  };
}

const tensorInput = (parsed: NdArray | Map<string, NdArray>): PyfuncInput =>
  parsed instanceof Map ? { kind: 'dict', tensors: parsed } : { kind: 'array', array: parsed };

export function pyfuncInput(req: ScoringRequest): PyfuncInput {
  switch (req.format) {
    case 'dataframe_split':
    case 'dataframe_records':
      return frameInput(readFrame(req.format, req.value));
    case 'instances':
      return tensorInput(parseInstances(req.value));
    case 'inputs':
      return tensorInput(parseInputs(req.value));
  }
}

/** pandas `read_csv` type inference per cell: empty → null, numbers, True/False, else text. */
function csvCell(c: unknown): Scalar {
  const s = String(c);
  if (s === '') return null;
  if (s === 'True' || s === 'False') return s === 'True';
  const n = Number(s);
  return Number.isNaN(n) && s.trim() !== 'NaN' ? s : n;
}

export function csvInput(text: string): FrameInput {
  const frame = readCsv(text);
  return frameInput({ columns: frame.columns, data: frame.data.map((row) => row.map(csvCell)) });
}

/** The numpy dtype pandas infers for a JSON column: int64, float64, bool or object. */
export function inferDtype(values: readonly Scalar[]): string {
  if (values.length > 0 && values.every((v) => typeof v === 'boolean')) return 'bool';
  if (values.every((v) => typeof v === 'number' || v === null)) {
    return values.every((v) => typeof v === 'number' && Number.isInteger(v)) ? 'int64' : 'float64';
  }
  return 'object';
}

/** A short, bounded rendering of the input for error messages (MLflow prints the DataFrame). */
export function describeInput(input: PyfuncInput): string {
  const text =
    input.kind === 'frame'
      ? JSON.stringify({ columns: input.columns, rows: input.values[0]?.length ?? 0 })
      : input.kind === 'array'
        ? `ndarray of shape [${input.array.shape.join(', ')}]`
        : JSON.stringify(Object.fromEntries([...input.tensors].map(([k, v]) => [k, `shape [${v.shape.join(', ')}]`])));
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
}
