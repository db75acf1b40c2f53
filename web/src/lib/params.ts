/** The training hyperparameter vocabulary (GET /api/v1/training/params) and validation of form input against it. */
export interface Bound {
  value: number;
  open?: boolean;
}
export interface ParamSpec {
  name: string;
  kind: 'int' | 'float' | 'enum' | 'features' | 'date' | 'tickers' | 'levels';
  default: unknown;
  min?: Bound;
  max?: Bound;
  values?: string[];
  doc?: string;
}

export type Checked = { ok: true; value: unknown } | { ok: false; error: string };

function checkNumber(spec: ParamSpec, text: string): Checked {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) return { ok: false, error: `${spec.name}: "${text}" is not a number` };
  if (spec.kind === 'int' && !Number.isInteger(v))
    return { ok: false, error: `${spec.name}: ${text} is not an integer` };
  const { min, max } = spec;
  if (min && (min.open ? v <= min.value : v < min.value)) {
    return { ok: false, error: `${spec.name}: ${v} must be ${min.open ? '>' : '≥'} ${min.value}` };
  }
  if (max && (max.open ? v >= max.value : v > max.value)) {
    return { ok: false, error: `${spec.name}: ${v} must be ${max.open ? '<' : '≤'} ${max.value}` };
  }
  return { ok: true, value: v };
}

/** One value typed in the form, checked against the spec's kind and range (as the server would). */
export function checkValue(spec: ParamSpec, text: string): Checked {
  switch (spec.kind) {
    case 'int':
    case 'float':
      return checkNumber(spec, text);
    case 'enum':
      return spec.values?.includes(text)
        ? { ok: true, value: text }
        : { ok: false, error: `${spec.name}: pick one of ${spec.values?.join(', ')}` };
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(text))
        ? { ok: true, value: text }
        : { ok: false, error: `${spec.name}: a date YYYY-MM-DD` };
    case 'features': {
      const list = text.split(/[+\s]+/).filter(Boolean);
      const bad = list.filter((f) => !spec.values?.includes(f));
      if (list.length === 0 || bad.length)
        return { ok: false, error: `${spec.name}: unknown feature ${bad.join(', ') || '(none)'}` };
      return { ok: true, value: list };
    }
    case 'tickers': {
      // Exogenous series: tickers joined by `+` (e.g. ^BVSP+USDBRL=X).
      const list = text.split(/[+\s]+/).filter(Boolean);
      const bad = list.filter((t) => !/^[A-Za-z0-9^][A-Za-z0-9.^=_-]{0,31}$/.test(t));
      return bad.length
        ? { ok: false, error: `${spec.name}: not a ticker: ${bad.join(', ')}` }
        : { ok: true, value: list };
    }
    case 'levels': {
      // Interval coverages joined by `+` (e.g. 0.8+0.95), each strictly between 0 and 1.
      const list = text.split(/[+\s]+/).filter(Boolean);
      const values = list.map(Number);
      if (list.length === 0 || values.some((v) => !Number.isFinite(v) || v <= 0 || v >= 1))
        return { ok: false, error: `${spec.name}: levels between 0 and 1, joined by + (e.g. 0.8+0.95)` };
      return { ok: true, value: values };
    }
  }
}

/**
 * A form field: empty = the server default; one value = a fixed param; in a grid search a
 * comma-separated list = the values to search (features lists use `+` inside one value: close+volume).
 */
export function checkField(
  spec: ParamSpec,
  text: string,
  grid: boolean,
): { value?: unknown; values?: unknown[]; error?: string } {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  const parts = grid
    ? trimmed
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean)
    : [trimmed];
  const checked = parts.map((p) => checkValue(spec, p));
  const failed = checked.find((c) => !c.ok);
  if (failed && !failed.ok) return { error: failed.error };
  const values = checked.map((c) => (c as { value: unknown }).value);
  return values.length > 1 ? { values } : { value: values[0] };
}

export const defaultText = (spec: ParamSpec): string =>
  spec.default === null || spec.default === undefined
    ? ''
    : Array.isArray(spec.default)
      ? spec.default.join('+')
      : String(spec.default);
