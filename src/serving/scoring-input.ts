import { ErrorCode, MlflowError } from '../common/mlflow-error';
import { Predictor, WindowInput } from '../training/core';
import { readWindow } from './forecast';

/**
 * MLflow's scoring-server input protocol (mlflow-api.md §12) for tsflow's forecasters.
 * Tensor inputs (`inputs`, `instances`) are windows: `[L]` closes, `[L][n_features]` rows, or
 * a batch of either; the answer has one forecast per window. DataFrame inputs
 * (`dataframe_split`, `dataframe_records`, CSV) are one series: rows are consecutive days,
 * columns the model's features (any single column for a one-feature model).
 */

export const FORMATS = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const;
const MEDIA_TYPES = ['text/csv', 'application/json'];

export interface ScoringInput {
  windows: WindowInput[];
  /** DataFrame input: one series, answered with a flat list of forecasts. */
  series: boolean;
  params: Record<string, unknown>;
}

export const badRequest = (message: string) => new MlflowError(ErrorCode.BAD_REQUEST, message);

/** Null when the content type is accepted, else MLflow's 415 message. */
export function unsupportedMediaType(header: string | undefined): string | null {
  const [type, ...parameters] = (header ?? '').split(';').map((s) => s.trim());
  const media = type.toLowerCase();
  if (!MEDIA_TYPES.includes(media)) {
    return `This predictor only supports the following content types: Types: ['text/csv', 'application/json']. Got '${(header ?? '').slice(0, 100)}'.`;
  }
  for (const p of parameters.filter(Boolean)) {
    const [key, value = ''] = p.split('=').map((s) => s.trim().toLowerCase());
    if (key !== 'charset' || !['utf-8', 'utf8'].includes(value.replace(/"/g, ''))) {
      return `The scoring server only supports UTF-8 ('charset=utf-8'), got parameter '${p.slice(0, 60)}'.`;
    }
  }
  return null;
}

export function isCsv(header: string | undefined): boolean {
  return (header ?? '').split(';')[0].trim().toLowerCase() === 'text/csv';
}

function formatError(keys: string[]): MlflowError {
  return badRequest(
    `The input must be a JSON dictionary with exactly one of the input fields {'dataframe_split', 'dataframe_records', 'instances', 'inputs'}. ` +
      `Received dictionary with input fields: [${keys.map((k) => `'${k}'`).join(', ')}]. IMPORTANT: The MLflow Model scoring protocol has changed in MLflow version 2.0. ` +
      "If you are seeing this error, you are likely using an outdated scoring request format. To resolve the error, either update your request format or adjust your MLflow Model's requirements file to specify an older version of MLflow (for example, change the 'mlflow' requirement specifier to 'mlflow==1.30.0').",
  );
}

export function parseJsonInput(p: Predictor, body: unknown): ScoringInput {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest(
      `The input must be a JSON dictionary with exactly one of the input fields {'dataframe_split', 'dataframe_records', 'instances', 'inputs'}; got ${Array.isArray(body) ? 'a list' : typeof body}.`,
    );
  }
  const o = body as Record<string, unknown>;
  const present = FORMATS.filter((k) => k in o);
  if (present.length !== 1) throw formatError(Object.keys(o));
  const params = o.params === undefined || o.params === null ? {} : o.params;
  if (typeof params !== 'object' || Array.isArray(params)) throw badRequest("'params' must be a JSON object.");
  const key = present[0];
  const value = o[key];
  if (key === 'dataframe_split')
    return { windows: [frameWindow(p, splitFrame(value))], series: true, params: params as Record<string, unknown> };
  if (key === 'dataframe_records')
    return { windows: [frameWindow(p, recordsFrame(value))], series: true, params: params as Record<string, unknown> };
  return { windows: tensorWindows(p, value, key), series: false, params: params as Record<string, unknown> };
}

export function parseCsvInput(p: Predictor, text: string): ScoringInput {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  if (lines.length < 2) throw badRequest('CSV input needs a header row and at least one data row.');
  const cells = (line: string) => line.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
  const columns = cells(lines[0]);
  const data = lines.slice(1).map((line, i) =>
    cells(line).map((c, j) => {
      const n = c === '' ? NaN : Number(c);
      if (!Number.isFinite(n))
        throw badRequest(`CSV row ${i + 1}, column '${columns[j] ?? j}': '${c.slice(0, 40)}' is not a finite number.`);
      return n;
    }),
  );
  return { windows: [frameWindow(p, { columns, data })], series: true, params: {} };
}

export interface Frame {
  columns: string[];
  data: unknown[][];
}

export function splitFrame(v: unknown): Frame {
  const o = v as { columns?: unknown; data?: unknown };
  if (!o || typeof o !== 'object' || !Array.isArray(o.data))
    throw badRequest("'dataframe_split' must be an object with 'columns' and 'data' (pandas split orient).");
  const width = Array.isArray(o.data[0]) ? (o.data[0] as unknown[]).length : 0;
  const columns = Array.isArray(o.columns) ? o.columns.map(String) : Array.from({ length: width }, (_, i) => String(i));
  if (!o.data.every((row) => Array.isArray(row) && row.length === columns.length)) {
    throw badRequest(`Every row of 'dataframe_split.data' must have ${columns.length} value(s), one per column.`);
  }
  return { columns, data: o.data as unknown[][] };
}

export function recordsFrame(v: unknown): Frame {
  if (!Array.isArray(v) || v.length === 0 || !v.every((r) => r && typeof r === 'object' && !Array.isArray(r))) {
    throw badRequest("'dataframe_records' must be a non-empty list of objects (one per day).");
  }
  const columns = Object.keys(v[0] as object);
  return { columns, data: v.map((r) => columns.map((c) => (r as Record<string, unknown>)[c])) };
}

/** The frame's feature columns, in the model's order, as one window (rows = days). */
function frameWindow(p: Predictor, frame: Frame): WindowInput {
  const lower = frame.columns.map((c) => c.toLowerCase());
  const single = p.features.length === 1 && frame.columns.length === 1;
  const idx = single ? [0] : p.features.map((f) => lower.indexOf(f));
  const missing = p.features.filter((_, i) => idx[i] < 0);
  if (missing.length)
    throw badRequest(
      `Missing column(s) ${missing.map((m) => `'${m}'`).join(', ')}: the model's inputs are [${p.features.join(', ')}]; got columns [${frame.columns.join(', ')}].`,
    );
  const rows = frame.data.map((row) => idx.map((j) => row[j]));
  return window(p, p.features.length === 1 ? rows.map((r) => r[0]) : rows, 'the DataFrame');
}

function window(p: Predictor, values: unknown, what: string): WindowInput {
  const read = readWindow(p, values, { list: 'the input', item: 'rows', model: 'this model' });
  if (read.problem !== undefined) throw badRequest(`${what}: ${read.problem}`);
  return read.window;
}

const isNumberList = (v: unknown) => Array.isArray(v) && v.every((x) => !Array.isArray(x));

/** `[L]`, `[L][nf]` (one window), `[B][L]` (close windows) or `[B][L][nf]`; a dict of one named tensor is unwrapped. */
function tensorWindows(p: Predictor, value: unknown, key: string): WindowInput[] {
  let v = value;
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const names = Object.keys(v);
    if (names.length !== 1)
      throw badRequest(
        `'${key}' as named tensors must have exactly one tensor (the windows), got [${names.join(', ')}].`,
      );
    v = (v as Record<string, unknown>)[names[0]];
  }
  if (!Array.isArray(v) || v.length === 0)
    throw badRequest(`'${key}' must be a non-empty list: one window of prices, or a list of windows.`);
  if (isNumberList(v)) return [window(p, v, key)];
  const rows = v as unknown[];
  // 2-D is one window of feature rows, except [B][L] closes for a one-feature model.
  if (rows.every(isNumberList) && (p.features.length > 1 || rows.every((r) => (r as unknown[]).length === 1)))
    return [window(p, rows, key)];
  return rows.map((w, i) => window(p, w, `${key}[${i}]`));
}
