import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { MlflowError } from '../common/mlflow-error';
import { RunsService } from '../experiments/runs.service';
import { ModelRegistryStore } from '../registry/model-registry.store';
import { CHAMPION_ALIAS, downloadUri, ModelVersion } from '../registry/registry.types';
import { ArtifactTransfer } from '../storage/artifact.transfer';
import { loadPredictor, Predictor, readMlmodel, seriesFlavor, SeriesPredictor } from '../training/core';
import { DATA_SOURCES, DataSourceKind } from '../training/data/price-data.service';
import { ChampionEntry } from './champion-slot';
import { parseModelRef } from './model-ref';
import { chooseRuntime, NotServableError } from './runtimes/mlmodel';
import { OnnxModel } from './runtimes/onnx-model';
import { ServedDataset, TsflowModel } from './runtimes/tsflow-model';
import type { InputSchema } from './scoring/signature';

/** What a slot holds: a model of one of the serving runtimes. */
export type ServedModel = TsflowModel | OnnxModel;
export type ServedEntry = ChampionEntry<ServedModel>;
export type ForecasterEntry = ChampionEntry<TsflowModel>;

const PAGE = 1000;

export { NotServableError, TsflowModel, OnnxModel };

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
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The champion version of `name` (undefined: none); RESOURCE_DOES_NOT_EXIST for an unknown model. */
  champion(name: string): Promise<ModelVersion | undefined> {
    return this.store.getVersionByAlias(name, CHAMPION_ALIAS);
  }

  /**
   * The version a request's model key points at (`name`, `name@alias`, `name/3`; undefined:
   * no such alias or version); RESOURCE_DOES_NOT_EXIST for an unknown model.
   */
  async resolve(key: string): Promise<ModelVersion | undefined> {
    const ref = parseModelRef(key);
    if (ref.version === undefined) return this.store.getVersionByAlias(ref.name, ref.alias ?? CHAMPION_ALIAS);
    const version = await this.store.getModelVersion(ref.name, ref.version);
    if (!version && !(await this.store.getRegisteredModel(ref.name)))
      throw MlflowError.notFound(`Registered Model with name=${ref.name} not found`);
    return version;
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
   * Downloads the version's model directory into a temporary directory, picks the runtime from
   * its MLmodel flavors, loads the model, runs one warm-up pass (the first call compiles
   * kernels: no request should pay for it) and removes the files (the model lives in memory
   * from then on). Throws NotServableError when no runtime here can serve the files.
   */
  async load(version: ModelVersion): Promise<ServedEntry> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tsflow-champion-'));
    try {
      const files = await this.transfer.downloadDirectory(downloadUri(version), '', dir);
      if (files === 0) throw new NotServableError(`no model files at ${downloadUri(version)}`);
      if (seriesFlavor(await readMlmodel(dir))) return await this.loadSeries(version, dir);
      const mlmodel = await fs.readFile(path.join(dir, 'MLmodel'), 'utf8').catch(() => null);
      const choice = chooseRuntime(mlmodel, (rel) => existsSync(path.join(dir, rel)));
      const model =
        choice.runtime === 'onnx'
          ? await this.loadOnnx(dir, choice.file, choice.schema, downloadUri(version))
          : await this.loadForecaster(dir, version);
      return { model, version: String(version.version), runId: version.runId ?? null, loadedAt: Date.now() };
    } finally {
      await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  /** A tsflow forecaster version (monitors score with it); NotServableError for other runtimes. */
  async loadTsflow(version: ModelVersion): Promise<ForecasterEntry> {
    const entry = await this.load(version);
    if (entry.model.runtime === 'tsflow') return entry as ForecasterEntry;
    entry.model.dispose();
    throw new NotServableError(
      `version ${version.version} is an ${entry.model.runtime} model, not a tsflow forecaster`,
    );
  }

  /** `file`: the ONNX file's path inside the model directory `dir`. */
  private async loadOnnx(dir: string, file: string, schema: InputSchema | null, source: string): Promise<OnnxModel> {
    try {
      const model = await OnnxModel.create(path.join(dir, file), schema, source, this.config.serving.onnxMaxBatch);
      if (model.omitted.length)
        this.logger.warn(
          `${source}: outputs [${model.omitted.join(', ')}] are not tensors (e.g. skl2onnx's ZipMap) and are left out of answers; export them as tensors (skl2onnx: options={'zipmap': False})`,
        );
      return model;
    } catch (err) {
      // A file ONNX Runtime cannot load stays unloadable: not worth a retry per poll. The reason
      // names files inside the model, not in this process's temporary directory.
      const reason = (err as Error).message.split(`${dir}${path.sep}`).join('');
      throw new NotServableError(`ONNX Runtime cannot load ${file}: ${reason}`);
    }
  }

  private async loadForecaster(dir: string, version: ModelVersion): Promise<TsflowModel> {
    const predictor = await loadPredictor(dir);
    try {
      warmUp(predictor);
      const dataset = await this.dataset(version.runId ?? null);
      return new TsflowModel(predictor, dataset, downloadUri(version));
    } catch (err) {
      predictor.dispose();
      throw err;
    }
  }

  /** A tsflow series model: the family's state and the history of every series of its panel. */
  private async loadSeries(version: ModelVersion, dir: string): Promise<ForecasterEntry> {
    const series = await SeriesPredictor.load(dir);
    // Warm-up: the first forecast of a family compiles its code paths.
    const known = Object.fromEntries(series.knownInputs.map((name) => [name, [0]]));
    series.forecast(series.history(series.seriesIds[0]), 1, undefined, known);
    return {
      model: new TsflowModel(undefined, { cleaning: 'ffill' }, downloadUri(version), series),
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
