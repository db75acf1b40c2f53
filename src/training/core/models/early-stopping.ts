import type { EpochLog } from './forecast-model';

/**
 * Early stopping on val_loss with best-weights restore, engine-agnostic: the engine passes how
 * to snapshot its weights and how to free a snapshot. Keras semantics: an epoch improves when
 * val_loss is strictly lower than the best so far; training stops once `patience` epochs in a
 * row did not improve (patience 0 stops at the first one). NaN never improves.
 */
export class EarlyStopping<W> {
  readonly history: EpochLog[] = [];
  bestValLoss = Infinity;
  bestEpoch = 0;
  stopped = false;
  private wait = 0;
  private best: W | null = null;

  constructor(
    private readonly patience: number,
    private readonly snapshot: () => W,
    private readonly release: (weights: W) => void = () => undefined,
  ) {}

  /** Records an epoch; true when training should stop now. */
  update(log: EpochLog): boolean {
    this.history.push(log);
    if (log.val_loss < this.bestValLoss) {
      this.bestValLoss = log.val_loss;
      this.bestEpoch = log.epoch;
      this.wait = 0;
      if (this.best !== null) this.release(this.best);
      this.best = this.snapshot();
      return false;
    }
    this.wait++;
    if (this.wait >= this.patience) this.stopped = true;
    return this.stopped;
  }

  /** Puts the best epoch's weights back unless the model already holds them. */
  restoreBest(apply: (weights: W) => void): boolean {
    const last = this.history[this.history.length - 1];
    if (this.best === null || last === undefined || last.epoch === this.bestEpoch) return false;
    apply(this.best);
    return true;
  }

  dispose(): void {
    if (this.best !== null) this.release(this.best);
    this.best = null;
  }
}
