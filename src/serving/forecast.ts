import {
  canRecurse,
  CleanBar,
  ExogenousBars,
  PredictionInterval,
  Predictor,
  TrainingInputError,
  WindowInput,
} from '../training/core';

/**
 * Pure forecasting on top of a Predictor: input validation with messages a caller can act
 * on, batched recursive multi-step forecasts, and the date-indexed forms (rolling one-step
 * over a range, forecast for one date). Throws TrainingInputError for anything the caller
 * got wrong; the service maps it to INVALID_PARAMETER_VALUE.
 */

export interface DatedPrediction {
  date: string;
  predicted: number;
  actual?: number;
  /** Prediction intervals at the model's levels (models trained with intervals). */
  intervals?: PredictionInterval[];
}

const DAY_MS = 86_400_000;

function describe(v: unknown): string {
  if (typeof v === 'string') return `the string ${JSON.stringify(v.slice(0, 40))}`;
  if (typeof v === 'number') return String(v);
  if (v === null) return 'null';
  return Array.isArray(v) ? 'a list' : typeof v;
}

export function checkSteps(p: Predictor, steps: number): void {
  if (steps > 1 && !canRecurse(p)) {
    throw new TrainingInputError(
      `horizon ${steps} needs a recursive forecast, which only close-only models with horizon 1 support; this model uses ` +
        `features [${p.features.join(', ')}] and forecasts ${p.horizon} step(s) ahead directly: use horizon 1.`,
    );
  }
}

/** How an input is named in messages: the whole list, one of its entries, and the model. */
export interface InputNames {
  list: string;
  item: string;
  model: string;
}

type WindowRead = { window: WindowInput; problem?: undefined } | { problem: string };

function readRow(p: Predictor, v: unknown, at: string): number | number[] | string {
  const nf = p.features.length;
  if (nf === 1 && typeof v === 'number')
    return Number.isFinite(v) ? v : `${at} must be a finite number, got ${describe(v)}.`;
  if (!Array.isArray(v) || v.length !== nf) {
    const want = nf === 1 ? 'a finite number' : `a row of ${nf} numbers (${p.features.join(', ')})`;
    return `${at} must be ${want}, got ${describe(v)}.`;
  }
  const bad = v.findIndex((x) => typeof x !== 'number' || !Number.isFinite(x));
  if (bad >= 0) return `${at}[${bad}] must be a finite number, got ${describe(v[bad])}.`;
  return nf === 1 ? (v[0] as number) : (v as number[]);
}

/**
 * An input as one window: closes (`[1.0, 2.0, ...]`) for a close-only model, rows of
 * `features.length` numbers otherwise (rows of one number are accepted too). At least
 * `seq_length` entries; a longer history is fine (the latest ones are used). Returns the
 * problem instead of throwing, so /predict and the scoring protocol each answer in their terms.
 */
export function readWindow(p: Predictor, values: unknown, names: InputNames): WindowRead {
  if (!Array.isArray(values))
    return { problem: `${names.list} must be a list of numbers (the last prices), got ${describe(values)}.` };
  if (values.length < p.seqLength)
    return {
      problem: `${names.list} needs at least ${p.seqLength} values (${
        p.seqLength === p.preprocessing.seq_length
          ? 'the seq_length'
          : 'seq_length + 1: its returns need the close before the window'
      } of ${names.model}), got ${values.length}.`,
    };
  const rows: Array<number | number[]> = [];
  for (const [i, v] of values.entries()) {
    const row = readRow(p, v, `${names.item}[${i}]`);
    if (typeof row === 'string') return { problem: row };
    rows.push(row);
  }
  return { window: rows as WindowInput };
}

/** `values` of a /predict request as one window (see readWindow); TrainingInputError otherwise. */
export function parseValues(p: Predictor, values: unknown, what: string): WindowInput {
  const read = readWindow(p, values, { list: "'values'", item: 'values', model: what });
  if (read.problem !== undefined) throw new TrainingInputError(read.problem);
  return read.window;
}

/**
 * Forecasts `steps` values after each window: one batched forward pass per step, each step's
 * predictions appended to its window for the next (recursive multi-step forecast).
 */
export function forecastBatch(p: Predictor, windows: readonly WindowInput[], steps: number): number[][] {
  checkSteps(p, steps);
  if (steps === 1) return p.predictBatch(windows).map((v) => [v]);
  const series = windows.map((w) => (w as number[]).slice(-p.seqLength));
  const out: number[][] = windows.map(() => []);
  for (let s = 0; s < steps; s++) {
    const next = p.predictBatch(series.map((w) => w.slice(w.length - p.seqLength)));
    next.forEach((v, i) => {
      out[i].push(v);
      series[i].push(v);
    });
  }
  return out;
}

/** The model's input rows for every bar (one number per bar for a one-column model). */
export function inputRows(p: Predictor, bars: readonly CleanBar[], exo?: ExogenousBars): Array<number | number[]> {
  const table = p.inputRows(bars, exo);
  return p.features.length === 1 ? table.map((r) => r[0]) : table;
}

/** The forecast's intervals (made from `window`, `steps` sessions ahead), when the model has them. */
export function withIntervals(p: Predictor, d: DatedPrediction, window: WindowInput, steps: number): DatedPrediction {
  return p.intervalLevels.length > 0 ? { ...d, intervals: p.intervals(d.predicted, window, steps) } : d;
}

const slice = (rows: Array<number | number[]>, from: number, to: number) => rows.slice(from, to) as WindowInput;

/** Rows between a window's end and its target: the model's own horizon, or the recursion depth. */
function lagOf(p: Predictor, steps: number): number {
  return steps > 1 ? steps : p.horizon;
}

/** Calendar days of history to load so that `count` windows before a date have enough rows. */
export function lookbackDays(p: Predictor, steps: number): number {
  return (p.seqLength + lagOf(p, steps)) * 2 + 30;
}

function notEnoughHistory(p: Predictor, date: string, bars: readonly CleanBar[], needed: number): TrainingInputError {
  const first = bars[0]?.date ?? 'none';
  return new TrainingInputError(
    `Not enough history before ${date}: the model needs ${needed} trading day(s) of data before it (seq_length ${p.seqLength}` +
      `${needed > p.seqLength ? ` + ${needed - p.seqLength} step(s) ahead` : ''}); the loaded data starts at ${first}.`,
  );
}

/**
 * Rolling forecasts for every bar dated in [start, end]: with steps 1, the model's forecast
 * from the window just before the bar (one step for a horizon-1 model); with steps h > 1,
 * the h-th step of a recursive forecast from the window ending h bars earlier.
 */
export function rollingForecast(
  p: Predictor,
  bars: readonly CleanBar[],
  start: string,
  end: string,
  steps: number,
  exo?: ExogenousBars,
): DatedPrediction[] {
  checkSteps(p, steps);
  const targets = bars.map((b, i) => i).filter((i) => bars[i].date >= start && bars[i].date <= end);
  if (targets.length === 0) throw new TrainingInputError(`No trading days with data between ${start} and ${end}.`);
  const lag = lagOf(p, steps);
  const first = targets[0] - lag - p.seqLength + 1;
  if (first < 0) throw notEnoughHistory(p, bars[targets[0]].date, bars, p.seqLength + lag - 1);
  const rows = inputRows(p, bars, exo);
  const windows = targets.map((t) => slice(rows, t - lag - p.seqLength + 1, t - lag + 1));
  const forecasts = forecastBatch(p, windows, steps);
  return targets.map((t, k) =>
    withIntervals(
      p,
      { date: bars[t].date, predicted: forecasts[k][steps - 1], actual: bars[t].close },
      windows[k],
      steps,
    ),
  );
}

const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);
const weekday = (d: string) => new Date(`${d}T00:00:00Z`).getUTCDay();

/** The trading day after `date`: the next weekday, or the next day for markets that trade at weekends. */
export function nextSession(date: string, weekends: boolean): string {
  let t = Date.parse(`${date}T00:00:00Z`) + DAY_MS;
  while (!weekends && [0, 6].includes(new Date(t).getUTCDay())) t += DAY_MS;
  return isoDay(t);
}

/** Crypto trades every day: any weekend bar among the last ones says so. */
export function tradesAtWeekends(bars: readonly CleanBar[]): boolean {
  return bars.slice(-30).some((b) => [0, 6].includes(weekday(b.date)));
}

/**
 * The forecast for `date` from the history up to the trading day before it, then `steps` - 1
 * more sessions recursively. `date` must be a trading day of the data or the session right
 * after its last bar (future sessions are weekdays, or every day for 7-day markets; holidays
 * are unknown). Actual closes are given where the data has them.
 */
export function forecastFrom(
  p: Predictor,
  bars: readonly CleanBar[],
  date: string,
  steps: number,
  exo?: ExogenousBars,
): DatedPrediction[] {
  checkSteps(p, steps);
  if (bars.length === 0) throw new TrainingInputError(`No data up to ${date}.`);
  const weekends = tradesAtWeekends(bars);
  let idx = bars.findIndex((b) => b.date >= date);
  if (idx < 0) {
    const next = nextSession(bars[bars.length - 1].date, weekends);
    if (date !== next) {
      throw new TrainingInputError(
        `${date} is beyond the data (last trading day ${bars[bars.length - 1].date}): the furthest date to forecast is the next session, ${next}; ask for it with a larger 'horizon' to see further.`,
      );
    }
    idx = bars.length;
  } else if (bars[idx].date !== date) {
    const before = idx > 0 ? `${bars[idx - 1].date} and ` : '';
    throw new TrainingInputError(
      `${date} is not a trading day in the data (no bar): the nearest trading days are ${before}${bars[idx].date}.`,
    );
  }
  const lag = lagOf(p, 1);
  const from = idx - lag - p.seqLength + 1;
  if (from < 0) throw notEnoughHistory(p, date, bars, p.seqLength + lag - 1);
  const rows = inputRows(p, bars, exo);
  const window = slice(rows, from, idx - lag + 1);
  const predicted = forecastBatch(p, [window], steps)[0];
  let last = '';
  return predicted.map((value, k) => {
    const bar = bars[idx + k];
    last = bar ? bar.date : nextSession(last || bars[bars.length - 1].date, weekends);
    const d = bar ? { date: bar.date, predicted: value, actual: bar.close } : { date: last, predicted: value };
    return withIntervals(p, d, window, k + 1);
  });
}
