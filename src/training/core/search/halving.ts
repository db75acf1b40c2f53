import type { EpochLog } from '../models/forecast-model';

/** Successive halving over epochs (asynchronous, as ASHA): the rungs and the reduction factor. */
export interface HalvingConfig {
  /** Reduction factor: about 1/eta of the candidates reaching a rung go on to the next. */
  eta: number;
  /** Epochs every candidate trains before its first comparison (ASHA's grace period). */
  minResource: number;
}

/**
 * Rung epochs min·eta^k (rounded) below `maxEpochs`: the last epoch is never a rung, since
 * stopping there saves nothing.
 */
export function rungEpochs(config: HalvingConfig, maxEpochs: number): number[] {
  const rungs: number[] = [];
  for (let k = 0; ; k++) {
    const epoch = Math.round(config.minResource * config.eta ** k);
    if (epoch >= maxEpochs) return rungs;
    if (rungs.length === 0 || epoch > rungs[rungs.length - 1]) rungs.push(epoch);
  }
}

/** A candidate's value at a rung: its best val_loss so far (training restores the best weights); NaN counts as +∞. */
export function rungValue(history: readonly EpochLog[], epoch: number): number {
  let best = Infinity;
  for (const h of history) if (h.epoch <= epoch && h.val_loss < best) best = h.val_loss;
  return best;
}

export interface RungDecision {
  promote: boolean;
  /** 0-based rung index and its epoch. */
  rung: number;
  epoch: number;
  value: number;
  /** The worst value that is still promoted. */
  cutoff: number;
  /** 1-based rank of the value among the candidates at this rung (itself included). */
  rank: number;
  competitors: number;
  /** How many of them go on. */
  kept: number;
}

/**
 * Optuna's SuccessiveHalvingPruner rule, over the candidates that reached this rung so far
 * (itself included): promote when the value is within the best ⌊n/eta⌋. While fewer than
 * eta have arrived, only a value at least as good as every other one goes on (a trial cannot
 * wait for the others, so asynchronous halving decides with what it has).
 */
export function decideRung(
  config: HalvingConfig,
  rung: number,
  epoch: number,
  value: number,
  others: readonly number[],
): RungDecision {
  const norm = (v: number) => (Number.isNaN(v) ? Infinity : v);
  const v = norm(value);
  const all = [...others.map(norm), v].sort((a, b) => a - b);
  const kept = Math.max(1, Math.floor(all.length / config.eta));
  const cutoff = all[kept - 1];
  const rank = all.filter((x) => x < v).length + 1;
  return {
    promote: Number.isFinite(v) && v <= cutoff,
    rung,
    epoch,
    value: v,
    cutoff,
    rank,
    competitors: all.length,
    kept,
  };
}

export function describeDecision(d: RungDecision, eta: number): string {
  return (
    `stopped at rung ${d.rung} (epoch ${d.epoch}): best val_loss ${d.value} ranks ${d.rank} of ${d.competitors} ` +
    `candidates at this rung; only the best ${d.kept} (1/eta, eta=${eta}) go on (cutoff ${d.cutoff})`
  );
}
