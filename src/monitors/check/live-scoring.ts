import { CleanBar, predictAtRows, Predictor, skill } from '../../training/core';
import type { ScoredDay } from '../monitor.types';

/** What scoring needs of a predictor. */
export type ScoringModel = Pick<Predictor, 'seqLength' | 'horizon' | 'inputRows' | 'predictBatch' | 'intervals'>;

/**
 * Scores the model on every bar dated after `after` (exclusive) that has a full input window
 * before it: the same windows and targets as training's evaluation (inputs end `horizon` rows
 * before the target), one batched forward pass, and the persistence forecast beside it.
 */
export function scoreNewDays(model: ScoringModel, bars: readonly CleanBar[], after: string): ScoredDay[] {
  const candidates: number[] = [];
  for (let t = 0; t < bars.length; t++) if (bars[t].date > after) candidates.push(t);
  // The model's own input rows and windows (level features, or the return model's scale-free inputs).
  const { rows, predicted, windows } = predictAtRows(model, bars, candidates);
  return rows.map((t, i) => {
    const day: ScoredDay = {
      date: bars[t].date,
      predicted: predicted[i],
      actual: bars[t].close,
      naive: bars[t - model.horizon].close,
    };
    // Models with prediction intervals: did the first level's interval hold the actual close?
    const band = model.intervals(predicted[i], windows[i])[0];
    if (band) {
      day.interval_level = band.level;
      day.covered = band.lower <= day.actual && day.actual <= band.upper;
    }
    return day;
  });
}

export interface WindowSkill {
  days: number;
  liveMae: number | null;
  naiveMae: number | null;
  liveSkill: number | null;
  /** Share of the window's days whose actual close fell inside the model's interval (null: no intervals). */
  intervalCoverage: number | null;
}

/** MAE of model and persistence over the last `window` scored days, and the skill between them. */
export function windowSkill(days: readonly ScoredDay[], window: number): WindowSkill {
  const last = days.slice(-window);
  if (last.length === 0) return { days: 0, liveMae: null, naiveMae: null, liveSkill: null, intervalCoverage: null };
  const liveMae = last.reduce((s, d) => s + Math.abs(d.actual - d.predicted), 0) / last.length;
  const naiveMae = last.reduce((s, d) => s + Math.abs(d.actual - d.naive), 0) / last.length;
  const sk = skill(liveMae, naiveMae);
  const banded = last.filter((d) => d.covered !== undefined);
  const intervalCoverage = banded.length > 0 ? banded.filter((d) => d.covered).length / banded.length : null;
  return { days: last.length, liveMae, naiveMae, liveSkill: Number.isFinite(sk) ? sk : null, intervalCoverage };
}
