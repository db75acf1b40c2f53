import type { CleaningStrategy, Predictor } from '../../training/core';
import type { DataSourceKind } from '../../training/data/price-data.service';
import { MicroBatcher } from '../micro-batcher';

/** Where the model's training data came from: the default history for the date forms of /predict. */
export interface ServedDataset {
  ticker?: string;
  source?: DataSourceKind;
  cleaning: CleaningStrategy;
}

/** One of tsflow's own forecasters, loaded for serving: the predictor and the facts serving needs beside it. */
export class TsflowModel {
  readonly runtime = 'tsflow' as const;
  /** Concurrent one-step requests share forward passes. */
  readonly batcher: MicroBatcher;

  constructor(
    readonly predictor: Predictor,
    readonly dataset: ServedDataset,
    /** Where the files were loaded from (a re-created model may reuse a version number). */
    readonly source: string,
  ) {
    this.batcher = new MicroBatcher(predictor);
  }

  get backend(): string {
    return this.predictor.backend;
  }

  dispose(): void {
    this.predictor.dispose();
  }
}
