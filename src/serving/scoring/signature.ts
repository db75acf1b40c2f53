import { shapeRepr } from './ndarray';

/**
 * A model signature's input schema as MLflow writes it in MLmodel (`signature.inputs`, a JSON
 * string): column-based (`{"name", "type", "required"}`) or tensor-based
 * (`{"name"?, "type": "tensor", "tensor-spec": {"dtype", "shape"}}`), never mixed.
 */

export const COLUMN_TYPES = ['boolean', 'integer', 'long', 'float', 'double', 'string', 'binary', 'datetime'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export interface ColSpec {
  name: string | null;
  type: ColumnType;
  required: boolean;
}

export interface TensorSpec {
  name: string | null;
  /** numpy dtype name: float32, float64, int32, int64, bool, ... */
  dtype: string;
  shape: number[];
}

export type InputSchema = { kind: 'columns'; inputs: ColSpec[] } | { kind: 'tensors'; inputs: TensorSpec[] };

/** The numpy dtype MLflow maps each column type to. */
export const COLUMN_NUMPY: Record<ColumnType, string> = {
  boolean: 'bool',
  integer: 'int32',
  long: 'int64',
  float: 'float32',
  double: 'float64',
  string: 'object',
  binary: 'object',
  datetime: 'datetime64[ns]',
};

/** Parses MLmodel's `signature.inputs`; null when absent. Throws Error on a malformed schema. */
export function parseInputSchema(json: unknown): InputSchema | null {
  if (json === undefined || json === null || json === '') return null;
  const specs: unknown = typeof json === 'string' ? JSON.parse(json) : json;
  if (!Array.isArray(specs) || specs.length === 0) throw new Error('signature.inputs must be a non-empty JSON list');
  const entries = specs as Record<string, unknown>[];
  const name = (e: Record<string, unknown>) => (typeof e.name === 'string' ? e.name : null);
  if (entries.every((e) => e?.type === 'tensor')) {
    return {
      kind: 'tensors',
      inputs: entries.map((e) => {
        const spec = e['tensor-spec'] as { dtype?: unknown; shape?: unknown } | undefined;
        const shape = spec?.shape;
        if (typeof spec?.dtype !== 'string' || !Array.isArray(shape) || !shape.every((d) => Number.isInteger(d)))
          throw new Error(`signature input ${JSON.stringify(e).slice(0, 120)} has no valid tensor-spec`);
        return { name: name(e), dtype: spec.dtype, shape: shape as number[] };
      }),
    };
  }
  return {
    kind: 'columns',
    inputs: entries.map((e) => {
      if (!(COLUMN_TYPES as readonly unknown[]).includes(e?.type))
        throw new Error(`signature input type ${JSON.stringify(e?.type)} is not served (scalar column types only)`);
      return { name: name(e), type: e.type as ColumnType, required: e.required !== false };
    }),
  };
}

export const hasInputNames = (s: InputSchema) => s.inputs.every((i) => i.name !== null);

/** MLflow's `Schema.__repr__`, used in its schema-enforcement messages. */
export function schemaRepr(s: InputSchema): string {
  const items =
    s.kind === 'columns'
      ? s.inputs.map(
          (c) => `${c.name !== null ? `'${c.name}': ` : ''}${c.type}${c.required ? ' (required)' : ' (optional)'}`,
        )
      : s.inputs.map((t) => `${t.name !== null ? `'${t.name}': ` : ''}Tensor('${t.dtype}', ${shapeRepr(t.shape)})`);
  return `[${items.join(', ')}]`;
}
