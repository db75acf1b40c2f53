import { ErrorCode, MlflowError } from '../../common/mlflow-error';

/**
 * MLflow's scoring-server input protocol (mlflow-api.md §12, `mlflow/pyfunc/scoring_server`),
 * shared by every runtime: content types, the one-format-key rule, `params`, CSV frames.
 * What the data means (windows of prices, feeds of an ONNX graph) is each runtime's business.
 */

export const FORMATS = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const;
export type ScoringFormat = (typeof FORMATS)[number];
const MEDIA_TYPES = ['text/csv', 'application/json'];

/** One JSON request: its one format key, that key's value and the params. */
export interface ScoringRequest {
  format: ScoringFormat;
  value: unknown;
  params: Record<string, unknown>;
}

/** A DataFrame as the request carried it: column names and rows of raw cells. */
export interface Frame {
  columns: string[];
  data: unknown[][];
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

/** The request's one format key and its params (MLflow's `_split_data_and_params` + checks). */
export function readScoringRequest(body: unknown): ScoringRequest {
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
  return { format: present[0], value: o[present[0]], params: params as Record<string, unknown> };
}

/** `dataframe_split` (pandas split orient) or `dataframe_records` as a frame. */
export function readFrame(format: 'dataframe_split' | 'dataframe_records', value: unknown): Frame {
  return format === 'dataframe_split' ? splitFrame(value) : recordsFrame(value);
}

function splitFrame(v: unknown): Frame {
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

function recordsFrame(v: unknown): Frame {
  if (!Array.isArray(v) || v.length === 0 || !v.every((r) => r && typeof r === 'object' && !Array.isArray(r))) {
    throw badRequest("'dataframe_records' must be a non-empty list of objects (one per row).");
  }
  // pandas takes the union of the records' keys, in order of appearance; absent cells are null.
  const columns = [...new Set(v.flatMap((r) => Object.keys(r as object)))];
  return { columns, data: v.map((r) => columns.map((c) => (r as Record<string, unknown>)[c] ?? null)) };
}

/** A CSV body with a header row (pandas `to_csv` without index): raw string cells, '' for empty. */
export function readCsv(text: string): Frame {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  if (lines.length < 2) throw badRequest('CSV input needs a header row and at least one data row.');
  const cells = (line: string) => line.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
  const columns = cells(lines[0]);
  const data = lines.slice(1).map((line, i) => {
    const row = cells(line);
    if (row.length !== columns.length)
      throw badRequest(
        `Failed to parse input as a Pandas DataFrame. Ensure that the input is a valid CSV-formatted Pandas DataFrame produced using the \`pandas.DataFrame.to_csv()\` method. Error: 'Expected ${columns.length} fields in line ${i + 2}, saw ${row.length}'`,
      );
    return row;
  });
  return { columns, data };
}
