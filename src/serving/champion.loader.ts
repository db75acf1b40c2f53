import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { RunsService } from '../experiments/runs.service';
import { ModelRegistryStore } from '../registry/model-registry.store';
import { CHAMPION_ALIAS, downloadUri, ModelVersion } from '../registry/registry.types';
import { ArtifactTransfer } from '../storage/artifact.transfer';
import {
  CleaningStrategy,
  loadPredictor,
  Predictor,
  readMlmodel,
  seriesFlavor,
  SeriesPredictor,
  TrainingInputError,
} from '../training/core';
import { DATA_SOURCES, DataSourceKind } from '../training/data/price-data.service';
import { ChampionEntry } from './champion-slot';
import { MicroBatcher } from './micro-batcher';

/** Where the model's training data came from: the default history for the date forms of /predict. */
export interface ServedDataset {
  ticker?: string;
  source?: DataSourceKind;
  cleaning: CleaningStrategy;
}

/**
 * What a slot holds: the predictor (a price forecaster, or a series model answering by
 * `series_id`) and the facts serving needs beside it.
 */
export class ServedModel {
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
    if (!this.micro) return new MicroBatcher(this.predictor);
    return this.micro;
  }

  get backend(): string {
    return this.price?.backend ?? this.series?.backend ?? 'unknown';
  }

  dispose(): void {
    this.price?.dispose();
    this.series?.dispose();
  }
}

export type ServedEntry = ChampionEntry<ServedModel>;

const PAGE = 1000;

/**
 * Registry look-ups and model loading for the champion holder: which version carries the
 * `champion` alias, and turning that version's files into a warm, ready predictor.
 */
@Injectable()
export class ChampionLoader {
  private readonly logger = new Logger(ChampionLoader.name);

  constructor(
    private readonly store: ModelRegistryStore,
    private readonly transfer: ArtifactTransfer,
    private readonly runs: RunsService,
  ) {}

  /** The champion version of `name` (undefined: none); RESOURCE_DOES_NOT_EXIST for an unknown model. */
  champion(name: string): Promise<ModelVersion | undefined> {
    return this.store.getVersionByAlias(name, CHAMPION_ALIAS);
  }

  /** Every registered model that has a champion → its champion version number. */
  async allChampions(): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    let offset = 0;
    for (;;) {
      const page = await this.store.searchRegisteredModels({
        clauses: [],
        orderBy: [],
        maxResults: PAGE,
        page: offset ? { offset } : undefined,
        includePrompts: false,
      });
      for (const model of page.items) {
        const champion = model.aliases.find((a) => a.alias === CHAMPION_ALIAS);
        if (champion) out.set(model.name, champion.version);
      }
      if (!page.nextPageToken || page.items.length === 0) return out;
      offset += page.items.length;
    }
  }

  /**
   * Downloads the version's model directory into a temporary directory, loads it, runs one
   * warm-up forward pass (the first call compiles kernels: no request should pay for it) and
   * removes the files (the weights live in memory from then on).
   */
  async load(version: ModelVersion): Promise<ServedEntry> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tsflow-champion-'));
    try {
      const files = await this.transfer.downloadDirectory(downloadUri(version), '', dir);
      if (files === 0) throw new Error(`no model files at ${downloadUri(version)}`);
      if (seriesFlavor(await readMlmodel(dir))) return await this.loadSeries(version, dir);
      const predictor = await loadPredictor(dir);
      try {
        warmUp(predictor);
        const dataset = await this.dataset(version.runId ?? null);
        return {
          model: new ServedModel(predictor, dataset, downloadUri(version)),
          version: String(version.version),
          runId: version.runId ?? null,
          loadedAt: Date.now(),
        };
      } catch (err) {
        predictor.dispose();
        throw err;
      }
    } finally {
      await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  /** A tsflow series model: the family's state and the history of every series of its panel. */
  private async loadSeries(version: ModelVersion, dir: string): Promise<ServedEntry> {
    const series = await SeriesPredictor.load(dir);
    // Warm-up: the first forecast of a family compiles its code paths.
    series.forecast(series.history(series.seriesIds[0]), 1);
    return {
      model: new ServedModel(undefined, { cleaning: 'ffill' }, downloadUri(version), series),
      version: String(version.version),
      runId: version.runId ?? null,
      loadedAt: Date.now(),
    };
  }

  /** Ticker, source and cleaning as logged by the training run (absent for models logged by other tools). */
  private async dataset(runId: string | null): Promise<ServedDataset> {
    if (!runId) return { cleaning: 'ffill' };
    try {
      const run = await this.runs.get(runId);
      const param = (key: string) => run.data.params.find((p) => p.key === key)?.value;
      const source = param('data_source');
      return {
        ticker: param('ticker'),
        source: (DATA_SOURCES as readonly string[]).includes(source ?? '') ? (source as DataSourceKind) : undefined,
        cleaning: param('cleaning') === 'drop' ? 'drop' : 'ffill',
      };
    } catch (err) {
      // The run may have been deleted: the model still serves, date forms then need a ticker.
      this.logger.warn(
        `run ${runId} of a champion could not be read (${(err as Error).message}); date forms will need 'ticker'`,
      );
      return { cleaning: 'ffill' };
    }
  }
}

function warmUp(predictor: Predictor): void {
  const window = predictor.preprocessing.last_window?.values;
  if (window?.length === predictor.seqLength) predictor.predict(window);
}
