import * as os from 'node:os';
import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import { RunInputsService } from '../../experiments/run-inputs.service';
import { RunsService } from '../../experiments/runs.service';
import { ArtifactTransfer } from '../../storage/artifact.transfer';
import { SeriesTrainingParams, seriesParamsToStrings, SeriesTrainResult, writeSeriesModel } from '../core';
import type { LoadedSeriesDataset } from '../data/series-datasets.service';
import type { TrainingSpec } from '../training.types';
import { LoggedMetric, MODEL_DIR, RunLogger } from './run.logger';

/** MLflow's colspec types of the dataset's columns (the schema of its dataset input). */
const COLUMN_TYPE: Record<string, string> = { timestamp: 'datetime', series_id: 'string' };

/**
 * What a run on a series dataset writes to tracking: params and the dataset input (digest,
 * schema, profile) up front; at the end the metrics (coverage per horizon step as steps),
 * the per-series test forecasts, and the tsflow series model directory.
 */
export class SeriesRunLogger {
  constructor(
    private readonly runs: RunsService,
    private readonly inputs: RunInputsService,
    private readonly transfer: ArtifactTransfer,
    private readonly models: RunLogger,
  ) {}

  async start(runId: string, spec: TrainingSpec, p: SeriesTrainingParams, data: LoadedSeriesDataset): Promise<void> {
    const d = data.description;
    const params = Object.entries(seriesParamsToStrings(p)).map(([key, value]) => ({ key, value }));
    params.push({ key: 'dataset', value: d.name }, { key: 'data_source', value: 'series' });
    await this.runs.logBatch(runId, {
      params,
      tags: [
        { key: 'tsflow.data.rows', value: String(d.rows) },
        { key: 'tsflow.engine', value: p.model },
        { key: 'tsflow.dataset.digest', value: d.digest },
        { key: 'tsflow.dataset.kind', value: 'series' },
        ...(spec.varied ? [{ key: 'tsflow.search.varied', value: JSON.stringify(spec.varied) }] : []),
      ],
    });
    const colspec = d.columns
      .filter((c) => c.role !== 'ignored')
      .map((c) => ({
        name: c.name,
        type: COLUMN_TYPE[c.role] ?? 'double',
        required: c.role !== 'known' && c.role !== 'observed',
      }));
    await this.inputs.logInputs(runId, [
      {
        tags: [{ key: 'mlflow.data.context', value: 'training' }],
        dataset: {
          name: d.name,
          digest: d.digest,
          sourceType: 'tsflow-series',
          source: data.source,
          schema: JSON.stringify({ mlflow_colspec: colspec }),
          profile: JSON.stringify({
            num_rows: d.rows,
            series_count: d.series_count,
            frequency: d.frequency,
            first_timestamp: d.first_timestamp,
            last_timestamp: d.last_timestamp,
            missing_share: d.missing_share,
          }),
        },
      },
    ]);
  }

  async finish(runId: string, p: SeriesTrainingParams, data: LoadedSeriesDataset, r: SeriesTrainResult): Promise<void> {
    const timestamp = Date.now();
    const metrics: LoggedMetric[] = Object.entries(r.metrics).map(([key, value]) => ({
      key,
      value,
      timestamp,
      step: 0,
    }));
    const perStep = Object.entries(r.stepMetrics).flatMap(([key, values]) =>
      values.flatMap((value, h) => (Number.isFinite(value) ? [{ key, value, timestamp, step: h + 1 }] : [])),
    );
    await this.runs.logBatch(runId, {
      metrics: [...metrics, ...perStep],
      tags: [
        { key: 'tsflow.backend', value: `tsflow-${p.model}` },
        { key: 'tsflow.validation_use', value: 'search selection and the promotion floor (skill vs seasonal naive)' },
      ],
    });
    const info = await this.runs.getInfo(runId);
    await this.transfer.writeText(info.artifactUri, 'series_forecasts.json', `${JSON.stringify(r.test)}\n`);
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'tsflow-series-model-'));
    try {
      const dir = path.join(tmp, MODEL_DIR);
      const known = data.description.columns.filter((c) => c.role === 'known').map((c) => c.name);
      const doc = await writeSeriesModel(dir, {
        state: r.model.state(),
        panel: r.panel,
        params: p,
        target: data.dataset.target,
        known,
        runId,
        artifactPath: MODEL_DIR,
      });
      await this.models.publishModel(runId, dir, doc, metrics, `tsflow-${p.model}`);
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }
  }
}
