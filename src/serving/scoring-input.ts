import { Predictor, WindowInput } from '../training/core';
import { readWindow } from './forecast';
import { badRequest, Frame, readCsv, readFrame, readScoringRequest } from './scoring/protocol';

/**
 * MLflow's scoring-server input protocol (mlflow-api.md §12) for tsflow's forecasters.
 * Tensor inputs (`inputs`, `instances`) are windows: `[L]` closes, `[L][n_features]` rows, or
 * a batch of either; the answer has one forecast per window. DataFrame inputs
 * (`dataframe_split`, `dataframe_records`, CSV) are one series: rows are consecutive days,
 * columns the model's features (any single column for a one-feature model).
 */

export interface ScoringInput {
  windows: WindowInput[];
  /** DataFrame input: one series, answered with a flat list of forecasts. */
  series: boolean;
  params: Record<string, unknown>;
}

export function parseJsonInput(p: Predictor, body: unknown): ScoringInput {
  const { format, value, params } = readScoringRequest(body);
  if (format === 'dataframe_split' || format === 'dataframe_records')
    return { windows: [frameWindow(p, readFrame(format, value))], series: true, params };
  return { windows: tensorWindows(p, value, format), series: false, params };
}

export function parseCsvInput(p: Predictor, text: string): ScoringInput {
  const { columns, data } = readCsv(text);
  const numbers = data.map((row, i) =>
    row.map((c, j) => {
      const n = c === '' ? NaN : Number(c);
      if (!Number.isFinite(n))
        throw badRequest(
          `CSV row ${i + 1}, column '${columns[j] ?? j}': '${String(c).slice(0, 40)}' is not a finite number.`,
        );
      return n;
    }),
  );
  return { windows: [frameWindow(p, { columns, data: numbers })], series: true, params: {} };
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
