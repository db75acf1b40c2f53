import { CleanBar, Feature, featureTable, Predictor, skill } from '../../training/core';
import type { ScoredDay } from '../monitor.types';

/** What scoring needs of a predictor. */
export type ScoringModel = Pick<Predictor, 'seqLength' | 'horizon' | 'features' | 'predictBatch'>;

/**
 * Scores the model on every bar dated after `after` (exclusive) that has a full input window
 * before it: the same windows and targets as training's evaluation (inputs end `horizon` rows
 * before the target), one batched forward pass, and the persistence forecast beside it.
 */
export function scoreNewDays(model: ScoringModel, bars: readonly CleanBar[], after: string): ScoredDay[] {
  const lag = model.horizon + model.seqLength - 1;
  const rows: number[] = [];
  for (let t = lag; t < bars.length; t++) if (bars[t].date > after) rows.push(t);
  if (rows.length === 0) return [];
  const table = featureTable(bars, model.features as Feature[]);
  const predicted = model.predictBatch(rows.map((t) => table.slice(t - lag, t - model.horizon + 1)));
  return rows.map((t, i) => ({
    date: bars[t].date,
    predicted: predicted[i],
    actual: bars[t].close,
    naive: bars[t - model.horizon].close,
  }));
}

export interface WindowSkill {
  days: number;
  liveMae: number | null;
  naiveMae: number | null;
  liveSkill: number | null;
}

/** MAE of model and persistence over the last `window` scored days, and the skill between them. */
export function windowSkill(days: readonly ScoredDay[], window: number): WindowSkill {
  const last = days.slice(-window);
  if (last.length === 0) return { days: 0, liveMae: null, naiveMae: null, liveSkill: null };
  const liveMae = last.reduce((s, d) => s + Math.abs(d.actual - d.predicted), 0) / last.length;
  const naiveMae = last.reduce((s, d) => s + Math.abs(d.actual - d.naive), 0) / last.length;
  const sk = skill(liveMae, naiveMae);
  return { days: last.length, liveMae, naiveMae, liveSkill: Number.isFinite(sk) ? sk : null };
}
