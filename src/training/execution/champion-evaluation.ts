import * as os from 'node:os';
import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import { ArtifactTransfer } from '../../storage/artifact.transfer';
import {
  CleanBar,
  errorMetrics,
  ExogenousBars,
  loadPredictor,
  persistence,
  predictAtRows,
  Predictor,
  skill,
} from '../core';

/**
 * Selection metrics a grid may optimise: validation only (`val_<mae|rmse|mape>`, lower is
 * better, or `val_skill`, higher). Choosing on test metrics would make the winner's test
 * score optimistic: the test period must stay unseen by every decision.
 */
export const SELECTION_METRIC = /^val_(mae|rmse|mape|skill|smape|mase|owa|msis)$/;
export const SELECTION_METRICS = [
  'val_mae',
  'val_rmse',
  'val_mape',
  'val_skill',
  'val_smape (series)',
  'val_mase (series)',
  'val_owa (series)',
  'val_msis (series)',
];

export function higherIsBetter(metric: string): boolean {
  return metric.endsWith('_skill');
}

export function better(metric: string, a: number, b: number): boolean {
  return higherIsBetter(metric) ? a > b : a < b;
}

export interface ModelScore {
  mae: number;
  /** 1 - MAE / persistence MAE on the same days. */
  skill: number;
  last_training_date: string;
}

/** What `if_better` compared, recorded on the grid's parent run. */
export interface Comparison {
  /** Both models are scored on days strictly after this date (the later of their training ends). */
  after: string;
  first_date: string | null;
  last_date: string | null;
  days: number;
  candidate: ModelScore;
  champion: ModelScore;
}

type ExoLoader = (tickers: readonly string[]) => Promise<ExogenousBars>;

/**
 * Scores the candidate and the current champion on the same days, none of which either has
 * trained on: the days after both training ends (each read from its own preprocessing.json).
 * Each model uses its own window, features and scaling; persistence on those days is the
 * common yardstick.
 */
export async function compareOnUnseenDays(args: {
  transfer: ArtifactTransfer;
  candidateUri: string;
  championUri: string;
  bars: readonly CleanBar[];
  loadExogenous: ExoLoader;
}): Promise<Comparison> {
  return withPredictor(args.transfer, args.candidateUri, (candidate) =>
    withPredictor(args.transfer, args.championUri, async (champion) => {
      const ends = [candidate, champion].map((p) => p.preprocessing.last_training_date);
      const after = ends.reduce((a, b) => (a > b ? a : b));
      const exo = await args.loadExogenous([...new Set([...candidate.exogenous, ...champion.exogenous])]);
      const lag = (p: Predictor) => p.horizon + p.seqLength - 1;
      const minRow = Math.max(lag(candidate), lag(champion));
      const rows = args.bars.map((b, i) => i).filter((i) => args.bars[i].date > after && i >= minRow);
      const score = (p: Predictor, end: string): ModelScore => {
        if (rows.length === 0) return { mae: NaN, skill: NaN, last_training_date: end };
        const { predicted } = predictAtRows(p, args.bars, rows, exo);
        const actual = rows.map((t) => args.bars[t].close);
        const closes = args.bars.map((b) => b.close);
        const mae = errorMetrics(actual, predicted).mae;
        return {
          mae,
          skill: skill(mae, errorMetrics(actual, persistence(closes, rows, p.horizon)).mae),
          last_training_date: end,
        };
      };
      return {
        after,
        first_date: rows.length ? args.bars[rows[0]].date : null,
        last_date: rows.length ? args.bars[rows[rows.length - 1]].date : null,
        days: rows.length,
        candidate: score(candidate, ends[0]),
        champion: score(champion, ends[1]),
      };
    }),
  );
}

async function withPredictor<T>(transfer: ArtifactTransfer, uri: string, fn: (p: Predictor) => Promise<T>): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tsflow-compare-'));
  try {
    await transfer.downloadDirectory(uri, '', dir);
    const predictor = await loadPredictor(dir);
    try {
      return await fn(predictor);
    } finally {
      predictor.dispose();
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

export { FLOOR_ALPHA, type FloorCheck, promotionFloor } from '../core/promotion-floor';
