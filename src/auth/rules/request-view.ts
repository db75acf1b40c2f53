import { MlflowError } from '../../common/mlflow-error';

/** What a rule may read of a request to find the experiment or model it acts on. */
export interface RequestView {
  /** Query, then the JSON body's fields (as the handlers read them), then path parameters. */
  args: Record<string, unknown>;
  params: Record<string, string | undefined>;
  headers: Record<string, string | string[] | undefined>;
}

const same = (a: unknown, b: unknown) =>
  typeof a === 'object' || typeof b === 'object' ? JSON.stringify(a) === JSON.stringify(b) : String(a) === String(b);

/**
 * The query and the JSON body as one set of arguments. Handlers read one or the other (MLflow
 * reads GET from the query, POST from the body, and some routes read both), so a name present
 * in both must mean the same thing in both: otherwise the rules could check one value while
 * the handler acts on the other. Such a request is refused.
 */
export function mergedArgs(query: Record<string, unknown>, body: Record<string, unknown>): Record<string, unknown> {
  const args: Record<string, unknown> = { ...query };
  for (const [name, value] of Object.entries(body)) {
    if (name in args && !same(args[name], value))
      throw MlflowError.invalid(`Parameter '${name}' was given in both the query and the body.`);
    args[name] = value;
  }
  return args;
}

function scalar(name: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  throw MlflowError.invalid(`Invalid value for parameter '${name}'.`);
}

/** One value of the first of `names` present; a repeated parameter must repeat the same value. */
export function one(view: RequestView, ...names: string[]): string | undefined {
  for (const name of names) {
    const raw = view.args[name];
    if (raw === undefined || raw === null) continue;
    const values = (Array.isArray(raw) ? raw : [raw]).map((v) => scalar(name, v));
    if (new Set(values).size > 1) throw MlflowError.invalid(`Parameter '${name}' was given more than once.`);
    return values[0];
  }
  return undefined;
}

/** Every value of a repeated (or comma-separated, with `split`) parameter. */
export function many(view: RequestView, name: string, split = false): string[] {
  const raw = view.args[name];
  if (raw === undefined || raw === null) return [];
  const values = (Array.isArray(raw) ? raw : [raw]).map((v) => scalar(name, v) ?? '');
  return split ? values.flatMap((v) => v.split(',').map((s) => s.trim())).filter((s) => s !== '') : values;
}

/** A field of a nested object in the body, e.g. trace_location.mlflow_experiment.experiment_id. */
export function nested(view: RequestView, ...path: string[]): string | undefined {
  let cur: unknown = view.args;
  for (const key of path) {
    if (!cur || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return scalar(path.join('.'), cur);
}

export function header(view: RequestView, name: string): string | undefined {
  const v = view.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
