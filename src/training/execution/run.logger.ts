import * as os from 'node:os';
import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import * as yaml from 'js-yaml';
import { LoggedModelsService } from '../../experiments/logged-models/logged-models.service';
import { RunInputsService } from '../../experiments/run-inputs.service';
import { RunsService } from '../../experiments/runs.service';
import { ArtifactTransfer } from '../../storage/artifact.transfer';
import {
  BacktestResult,
  CleaningReport,
  paramsToStrings,
  renderLossSvg,
  MLmodelDoc,
  renderPredictionsSvg,
  TrainResult,
  writeMlflowModel,
} from '../core';
import type { LoadedDataset } from '../data/price-data.service';
import type { TrainableJob } from '../jobs/job.types';
import type { TrainingSpec } from '../training.types';

export const MODEL_DIR = 'model';

export interface LoggedMetric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

/**
 * Everything a training run writes to tracking: params and dataset input up front, per-epoch
 * loss curves while training, and at the end the metrics, plots, data-quality report and the
 * MLflow model directory, through the same services and repositories as HTTP clients use.
 */
export class RunLogger {
  constructor(
    private readonly runs: RunsService,
    private readonly inputs: RunInputsService,
    private readonly transfer: ArtifactTransfer,
    private readonly models: LoggedModelsService,
  ) {}

  async start(runId: string, spec: TrainingSpec, data: LoadedDataset, report: CleaningReport): Promise<void> {
    const params = Object.entries(paramsToStrings(spec.params)).map(([key, value]) => ({ key, value }));
    params.push(
      { key: 'ticker', value: spec.dataset.ticker },
      { key: 'data_source', value: data.sourceType },
      { key: 'cleaning', value: spec.cleaning },
    );
    await this.runs.logBatch(runId, {
      params,
      tags: [
        { key: 'tsflow.data.rows', value: String(report.output_rows) },
        { key: 'tsflow.engine', value: spec.params.engine },
      ],
    });
    await this.inputs.logInputs(runId, [
      {
        tags: [{ key: 'mlflow.data.context', value: 'training' }],
        dataset: {
          name: data.name.slice(0, 500),
          digest: data.digest,
          sourceType: data.sourceType,
          source: data.source,
          schema: JSON.stringify({ columns: ['date', 'open', 'high', 'low', 'close', 'adj_close', 'volume'] }),
          profile: JSON.stringify({
            num_rows: report.output_rows,
            first_date: report.first_date,
            last_date: report.last_date,
          }),
        },
      },
    ]);
    const runInfo = await this.runs.getInfo(runId);
    await this.transfer.writeText(runInfo.artifactUri, 'data_quality.json', `${JSON.stringify(report, null, 2)}\n`);
  }

  async epoch(runId: string, epoch: number, loss: number, valLoss: number): Promise<void> {
    const timestamp = Date.now();
    await this.runs.logBatch(runId, {
      metrics: [
        { key: 'loss', value: loss, timestamp, step: epoch },
        { key: 'val_loss', value: valLoss, timestamp, step: epoch },
      ],
    });
  }

  async finish(runId: string, result: TrainResult): Promise<void> {
    const metrics = await this.logOutcome(runId, result, [
      // val_* is not fully out-of-sample: say what the validation part was used for.
      { key: 'tsflow.validation_use', value: 'early stopping (epoch choice), interval calibration, grid selection' },
    ]);
    if (result.backtest) await this.logBacktest(runId, result.backtest, Date.now());
    const info = await this.runs.getInfo(runId);
    await this.transfer.writeText(
      info.artifactUri,
      'plots/test_predictions.svg',
      await renderPredictionsSvg(result.predictions),
    );
    await this.transfer.writeText(info.artifactUri, 'plots/loss.svg', await renderLossSvg(result.history));
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'tsflow-model-'));
    try {
      const doc = await writeMlflowModel(path.join(tmp, MODEL_DIR), {
        model: result.model,
        preprocessing: result.preprocessing,
        runId,
        artifactPath: MODEL_DIR,
      });
      await this.publishModel(runId, path.join(tmp, MODEL_DIR), doc, metrics, 'tfjs-lstm');
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }
  }

  /**
   * A model directory written locally becomes the run's `model` artifact (2.x readers) and a
   * logged model linked to the run with its final metrics (MLflow 3 readers).
   */
  async publishModel(runId: string, dir: string, doc: MLmodelDoc, metrics: LoggedMetric[], modelType: string) {
    const info = await this.runs.getInfo(runId);
    await this.transfer.uploadDirectory(info.artifactUri, MODEL_DIR, dir);
    await this.inputs.logModel(runId, JSON.stringify({ ...doc, artifact_path: MODEL_DIR, run_id: runId }));
    await this.logLoggedModel(runId, info.experimentId, dir, doc, metrics, modelType);
  }

  /** Per-fold backtest metrics as `backtest_<metric>` with the fold number as step, and the folds as JSON. */
  private async logBacktest(runId: string, backtest: BacktestResult, timestamp: number): Promise<void> {
    const metrics = backtest.folds.flatMap((f) =>
      Object.entries(f.metrics).map(([key, value]) => ({ key: `backtest_${key}`, value, timestamp, step: f.fold })),
    );
    if (metrics.length > 0) await this.runs.logBatch(runId, { metrics });
    const info = await this.runs.getInfo(runId);
    await this.transfer.writeText(info.artifactUri, 'backtest.json', `${JSON.stringify(backtest, null, 2)}\n`);
  }

  /**
   * A candidate stopped early by the search: its metrics (at its best epoch) and why it
   * stopped, on its run and on the grid's parent run; no model, plots or artifacts.
   */
  async pruned(runId: string, job: TrainableJob, result: TrainResult, reason: string): Promise<void> {
    const epoch = String(result.history[result.history.length - 1]?.epoch ?? 0);
    await this.logOutcome(runId, result, [
      { key: 'tsflow.pruned', value: 'true' },
      { key: 'tsflow.pruned.epoch', value: epoch },
      { key: 'tsflow.pruned.reason', value: reason },
    ]);
    const parent = job.spec.parentRunId;
    if (parent)
      await this.runs.logBatch(parent, { tags: [{ key: `tsflow.search.pruned.${job.jobId}`, value: reason }] });
  }

  private async logOutcome(runId: string, result: TrainResult, tags: { key: string; value: string }[]) {
    const timestamp = Date.now();
    const metrics = Object.entries(result.metrics).map(([key, value]) => ({ key, value, timestamp, step: 0 }));
    await this.runs.logBatch(runId, {
      metrics,
      tags: [
        { key: 'tsflow.backend', value: result.backend },
        { key: 'tsflow.best_epoch', value: String(result.bestEpoch) },
        { key: 'tsflow.stopped_early', value: String(result.stoppedEarly) },
        { key: 'tsflow.windows', value: JSON.stringify(result.windows) },
        ...tags,
      ],
    });
    return metrics;
  }

  /**
   * The MLflow 3 way (mlflow3-api.md §7.1): a logged model named `model` with the run's params,
   * linked as the run's output, the final metrics linked to it, the files under its own
   * artifact location (MLmodel naming the model), then READY.
   */
  private async logLoggedModel(
    runId: string,
    experimentId: string,
    dir: string,
    doc: MLmodelDoc,
    metrics: LoggedMetric[],
    modelType: string,
  ): Promise<void> {
    const run = await this.runs.get(runId);
    const model = await this.models.create({
      experimentId,
      name: MODEL_DIR,
      sourceRunId: runId,
      modelType,
      params: run.data.params,
      tags: run.data.tags.filter((t) => ['mlflow.user', 'mlflow.source.name', 'mlflow.source.type'].includes(t.key)),
    });
    const { modelId, artifactLocation } = model.info;
    await this.inputs.logOutputs(runId, [{ modelId, step: 0 }]);
    await this.runs.logBatch(runId, { metrics: metrics.map((m) => ({ ...m, modelId })) });
    try {
      await this.transfer.uploadDirectory(artifactLocation, '', dir);
      const mlmodel = {
        ...doc,
        artifact_path: artifactLocation,
        run_id: runId,
        model_id: modelId,
        model_uuid: modelId,
      };
      await this.transfer.writeText(artifactLocation, 'MLmodel', yaml.dump(mlmodel, { sortKeys: true, lineWidth: -1 }));
      await this.models.finalize(modelId, 'LOGGED_MODEL_READY');
    } catch (err) {
      await this.models.finalize(modelId, 'LOGGED_MODEL_UPLOAD_FAILED').catch(() => undefined);
      throw err;
    }
  }
}
