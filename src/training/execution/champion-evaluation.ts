import * as os from 'node:os';
import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import { ArtifactTransfer } from '../../storage/artifact.transfer';
import {
  CleanBar,
  errorMetrics,
  Feature,
  featureTable,
  loadPredictor,
  naiveForecast,
  prepareDataset,
  skill,
  TrainingParams,
} from '../core';

/** Selection metrics a grid may optimise: `<val|test>_<mae|rmse|mape>` (lower is better) or `test_skill` (higher). */
export const SELECTION_METRIC = /^(val|test)_(mae|rmse|mape)$|^test_skill$/;

export function higherIsBetter(metric: string): boolean {
  return metric === 'test_skill';
}

export function better(metric: string, a: number, b: number): boolean {
  return higherIsBetter(metric) ? a > b : a < b;
}

/**
 * Scores an existing model (the current champion) on exactly the target dates the candidate
 * was scored on: same data, same split, the champion's own window length, features, horizon
 * and scaler. That is what makes `if_better` a fair comparison.
 */
export async function scoreChampion(args: {
  transfer: ArtifactTransfer;
  modelUri: string;
  bars: readonly CleanBar[];
  candidateParams: TrainingParams;
  metric: string;
}): Promise<number> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tsflow-champion-'));
  try {
    await args.transfer.downloadDirectory(args.modelUri, '', dir);
    const predictor = await loadPredictor(dir);
    try {
      const data = prepareDataset(args.bars, args.candidateParams);
      const part = args.metric.startsWith('val_') ? data.validation : data.test;
      const table = featureTable(args.bars, predictor.features as Feature[]);
      const lag = predictor.horizon + predictor.seqLength - 1;
      const rows = part.targetRows.filter((t) => t - lag >= 0);
      if (rows.length === 0) throw new Error('the champion needs a longer history than the evaluation period offers');
      const windows = rows.map((t) => table.slice(t - lag, t - predictor.horizon + 1));
      const predicted = predictor.predictBatch(windows);
      const actual = rows.map((t) => data.closes[t]);
      const m = errorMetrics(actual, predicted);
      if (args.metric === 'test_skill') {
        const naive = naiveForecast(data.closes, rows, args.candidateParams.horizon);
        return skill(m.mae, errorMetrics(actual, naive).mae);
      }
      const measure = args.metric.split('_')[1] as 'mae' | 'rmse' | 'mape';
      return m[measure];
    } finally {
      predictor.dispose();
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
