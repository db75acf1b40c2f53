import type { CleanBar } from '../series/bars';
import { TrainingInputError } from '../errors';
import { coverage, levelKey } from './intervals';
import { errorMetrics, skill } from './metrics';
import type { TrainingParams } from '../models/hyperparams';
import { dieboldMariano } from './significance';
import type { DataSplit } from '../series/split';

/** One fold of a rolling-origin backtest: where it was evaluated and how it scored. */
export interface BacktestFold {
  fold: number;
  train_end: string;
  first_date: string;
  last_date: string;
  metrics: Record<string, number>;
}

export interface BacktestResult {
  folds: BacktestFold[];
  /** Over all folds' forecasts together: `backtest_pooled_<...>`. */
  pooled: Record<string, number>;
}

/** The k origins: the rows after the main training part, cut into k consecutive test blocks. */
export function backtestBlocks(n: number, split: DataSplit, p: TrainingParams): Array<[number, number]> {
  const k = p.backtest_folds;
  const start = split.train.end;
  const size = Math.floor((n - start) / k);
  const need = p.seq_length + p.horizon + 1;
  if (size < need) {
    throw new TrainingInputError(
      `backtest_folds ${k}: the ${n - start} rows after the training part give ${size} rows per fold; at least ` +
        `seq_length + horizon + 1 = ${need} are needed: use fewer folds or more data`,
    );
  }
  return Array.from({ length: k }, (_, i) => [start + i * size, i === k - 1 ? n : start + (i + 1) * size]);
}

/** What the backtest needs of a forecast (a TestPrediction of train.ts). */
interface FoldPrediction {
  actual: number;
  predicted: number;
  naive: number;
  lower?: number;
  upper?: number;
}

/** Trains and evaluates one fold (trainForecaster with the fold's bars and split). */
export type FoldTrainer = (
  bars: readonly CleanBar[],
  params: TrainingParams,
) => Promise<{ metrics: Record<string, number>; predictions: FoldPrediction[]; cancelled: boolean }>;

/**
 * Rolling-origin backtest with an expanding window: fold i trains a fresh model on every row
 * before its block (the last `val_fraction` share of the whole series before the block as
 * validation, for early stopping and calibration) and forecasts the block. Every fold sees
 * only its past, like the model would have in production at that time.
 */
export async function rollingOriginBacktest(
  bars: readonly CleanBar[],
  p: TrainingParams,
  split: DataSplit,
  train: FoldTrainer,
): Promise<BacktestResult> {
  const valRows = Math.max(p.seq_length + p.horizon + 1, Math.floor(bars.length * p.val_fraction));
  const folds: BacktestFold[] = [];
  const all: FoldPrediction[] = [];
  for (const [i, [start, end]] of backtestBlocks(bars.length, split, p).entries()) {
    const slice: readonly CleanBar[] = bars.slice(0, end);
    const params = {
      ...p,
      backtest_folds: 0,
      train_end: bars[start - valRows - 1].date,
      val_end: bars[start - 1].date,
    };
    const r = await train(slice, params);
    if (r.cancelled) break;
    folds.push({
      fold: i + 1,
      train_end: params.train_end,
      first_date: bars[start].date,
      last_date: bars[end - 1].date,
      metrics: pick(r.metrics, [
        'test_mae',
        'naive_test_mae',
        'test_skill',
        'test_dm_pvalue',
        `test_coverage_${levelKey(p.interval_levels[0])}`,
      ]),
    });
    all.push(...r.predictions);
  }
  return { folds, pooled: pooled(all, p, folds.length) };
}

function pick(m: Record<string, number>, keys: string[]): Record<string, number> {
  return Object.fromEntries(keys.filter((k) => k in m).map((k) => [k, m[k]]));
}

function pooled(all: FoldPrediction[], p: TrainingParams, folds: number): Record<string, number> {
  if (all.length < 3) return {};
  const actual = all.map((x) => x.actual);
  const predicted = all.map((x) => x.predicted);
  const naive = all.map((x) => x.naive);
  const m = errorMetrics(actual, predicted).mae;
  const n = errorMetrics(actual, naive).mae;
  const err = (f: number[]) => actual.map((y, i) => y - f[i]);
  const out: Record<string, number> = {
    backtest_pooled_mae: m,
    backtest_pooled_naive_mae: n,
    backtest_pooled_skill: skill(m, n),
    backtest_pooled_dm_pvalue: dieboldMariano(err(predicted), err(naive), p.horizon).pValue,
    backtest_folds_evaluated: folds,
  };
  if (all.every((x) => x.lower !== undefined && x.upper !== undefined)) {
    out[`backtest_pooled_coverage_${levelKey(p.interval_levels[0])}`] = coverage(
      actual,
      all.map((x) => x.lower as number),
      all.map((x) => x.upper as number),
    );
  }
  return out;
}
