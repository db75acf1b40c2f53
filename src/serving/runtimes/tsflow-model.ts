import { TrainingInputError } from '../../training/core';
import type { CleaningStrategy, Predictor, SeriesPredictor } from '../../training/core';
import type { DataSourceKind } from '../../training/data/price-data.service';
import { MicroBatcher } from '../micro-batcher';

/** Where the model's training data came from: the default history for the date forms of /predict. */
export interface ServedDataset {
  ticker?: string;
  source?: DataSourceKind;
  cleaning: CleaningStrategy;
}

/**
 * One of tsflow's own models, loaded for serving: a price forecaster, or a series model
 * answering by `series_id`, and the facts serving needs beside it.
 */
export class TsflowModel {
  readonly runtime = 'tsflow' as const;
  /** Concurrent one-step requests share forward passes (price forecasters). */
  private readonly micro?: MicroBatcher;

  constructor(
    private readonly price: Predictor | undefined,
    readonly dataset: ServedDataset,
    /** Where the files were loaded from (a re-created model may reuse a version number). */
    readonly source: string,
    readonly series?: SeriesPredictor,
  ) {
    if (price) this.micro = new MicroBatcher(price);
  }

  /** The price forecaster; a series model is a 400 saying how to ask it. */
  get predictor(): Predictor {
    if (this.price) return this.price;
    throw new TrainingInputError(
      `This champion is a series model (${this.series?.flavor.family}, ${this.series?.seriesIds.length} series): ask /predict with 'series_id' and 'horizon', or /invocations with a long-format DataFrame (series_id, timestamp, target).`,
    );
  }

  get batcher(): MicroBatcher {
    return this.micro ?? new MicroBatcher(this.predictor);
  }

  get backend(): string {
    return this.price?.backend ?? this.series?.backend ?? 'unknown';
  }

  dispose(): void {
    this.price?.dispose();
    this.series?.dispose();
  }
}
