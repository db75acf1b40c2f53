/**
 * A tiny protobuf-like schema language for MLflow request/response messages. One declaration
 * per message gives three things: the typed parse result, MLflow's exact validation errors
 * (mlflow-api.md §1.2), and the OpenAPI schema shown in Swagger UI.
 */
export type Kind = 'string' | 'int64' | 'int32' | 'double' | 'bool' | 'enum' | 'message' | 'json';

export interface FieldDef {
  kind: Kind;
  repeated: boolean;
  required: boolean;
  /** experiment_id(s): MLflow converts JSON numbers to strings before parsing. */
  numberAsString?: boolean;
  enumValues?: readonly string[];
  message?: MessageSpec;
  description?: string;
  example?: unknown;
}

// Phantom parameters: T is the parsed value type, R whether the field is required.
export class Field<T, R extends boolean = false> {
  declare readonly __type: T;
  declare readonly __required: R;
  constructor(readonly def: FieldDef) {}

  required(): Field<T, true> {
    return new Field<T, true>({ ...this.def, required: true });
  }

  doc(description: string, example?: unknown): Field<T, R> {
    return new Field<T, R>({ ...this.def, description, example });
  }

  /** Accept JSON numbers for this string field (experiment ids). */
  numeric(): Field<T, R> {
    return new Field<T, R>({ ...this.def, numberAsString: true });
  }
}

export type MessageSpec = Record<string, Field<unknown, boolean>>;

type RequiredKeys<S extends MessageSpec> = {
  [K in keyof S]: S[K] extends Field<unknown, true> ? K : never;
}[keyof S];
type FieldType<F> = F extends Field<infer T, boolean> ? T : never;

/** The parsed shape of a message: required fields present, optional ones possibly undefined. */
export type Infer<S extends MessageSpec> = { [K in RequiredKeys<S>]: FieldType<S[K]> } & {
  [K in Exclude<keyof S, RequiredKeys<S>>]?: FieldType<S[K]>;
};

const scalar = <T>(kind: Kind) => new Field<T>({ kind, repeated: false, required: false });

export const f = {
  string: () => scalar<string>('string'),
  int64: () => scalar<number>('int64'),
  int32: () => scalar<number>('int32'),
  double: () => scalar<number>('double'),
  bool: () => scalar<boolean>('bool'),
  /** Free-form JSON object (not a proto field; only for our own /api/v1 documentation). */
  json: () => scalar<unknown>('json'),
  enum: <E extends string>(values: readonly E[]) =>
    new Field<E>({ kind: 'enum', repeated: false, required: false, enumValues: values }),
  message: <S extends MessageSpec>(spec: S) =>
    new Field<Infer<S>>({ kind: 'message', repeated: false, required: false, message: spec }),
  repeated: <T>(item: Field<T, boolean>) => new Field<T[]>({ ...item.def, repeated: true, required: false }),
};

export function message<S extends MessageSpec>(spec: S): S {
  return spec;
}
