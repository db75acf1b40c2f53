import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { MLmodelDoc, mlflowUtcTime } from '../models/mlflow-model-dir';
import type { SeriesPanel } from '../models';
import type { SeriesTrainingParams } from './series-params';

/** Files of a series model directory (beside MLmodel). */
export const SERIES_MODEL_FILES = {
  state: 'series-model.json',
  history: 'history.json',
  inputExample: 'input_example.json',
} as const;

/** The `tsflow` flavor of a series model's MLmodel. */
export interface TsflowSeriesFlavor {
  kind: 'series';
  family: string;
  data: string;
  history: string;
  frequency: string;
  seasonal_periods: number[];
  horizon: number;
  interval_levels: number[];
  target: string;
  series_count: number;
  known: string[];
  /** Target transform the family was trained under (absent: none). */
  transform?: string;
}

/** history.json: the panel the model answers for (each series up to the end of its data). */
export interface StoredHistory {
  frequency: string;
  seasonal_periods: number[];
  known: string[];
  series: { id: string; timestamps: number[]; values: (number | null)[]; known: Record<string, (number | null)[]> }[];
}

export interface SeriesModelFiles {
  state: unknown;
  panel: SeriesPanel;
  params: SeriesTrainingParams;
  target: string;
  /** Declared known covariates (calendar features are recomputed from timestamps). */
  known: string[];
  runId?: string;
  artifactPath?: string;
  now?: Date;
}

const nullable = (a: ArrayLike<number>) => Array.from(a, (v) => (Number.isNaN(v) ? null : v));

/**
 * Writes an MLflow model directory for a series model: MLmodel with a `tsflow` flavor (no
 * python_function: Python cannot load it), the family's state JSON, and the history of every
 * series it answers for, so a champion forecasts any series of its panel with no dataset at hand.
 */
export async function writeSeriesModel(dir: string, o: SeriesModelFiles): Promise<MLmodelDoc> {
  await fs.mkdir(dir, { recursive: true });
  const history: StoredHistory = {
    frequency: o.panel.frequency,
    seasonal_periods: o.panel.seasonalPeriods,
    known: o.known,
    series: o.panel.series.map((s) => ({
      id: s.id,
      timestamps: Array.from(s.timestamps),
      values: nullable(s.values),
      known: Object.fromEntries(o.known.map((k) => [k, nullable(s.known?.[k] ?? [])])),
    })),
  };
  const first = o.panel.series[0];
  const tail = Math.max(0, first.values.length - 5);
  const example = {
    dataframe_split: {
      columns: ['series_id', 'timestamp', 'target'],
      data: Array.from(first.values.subarray(tail), (v, i) => [first.id, first.timestamps[tail + i], v]),
    },
    params: { horizon: o.params.horizon },
  };
  await fs.writeFile(path.join(dir, SERIES_MODEL_FILES.state), JSON.stringify(o.state));
  await fs.writeFile(path.join(dir, SERIES_MODEL_FILES.history), JSON.stringify(history));
  await fs.writeFile(path.join(dir, SERIES_MODEL_FILES.inputExample), JSON.stringify(example));
  const flavor: TsflowSeriesFlavor = {
    kind: 'series',
    family: o.params.model,
    data: SERIES_MODEL_FILES.state,
    history: SERIES_MODEL_FILES.history,
    frequency: o.panel.frequency,
    seasonal_periods: o.panel.seasonalPeriods,
    horizon: o.params.horizon,
    interval_levels: o.params.interval_levels,
    target: o.target,
    series_count: o.panel.series.length,
    known: o.known,
    ...(o.params.transform !== 'none' ? { transform: o.params.transform } : {}),
  };
  const column = (name: string, type: string) => ({ name, type, required: true });
  const doc: MLmodelDoc = {
    ...(o.artifactPath !== undefined ? { artifact_path: o.artifactPath } : {}),
    ...(o.runId !== undefined ? { run_id: o.runId } : {}),
    utc_time_created: mlflowUtcTime(o.now ?? new Date()),
    model_uuid: randomUUID().replace(/-/g, ''),
    flavors: { tsflow: { ...flavor } },
    signature: {
      inputs: JSON.stringify([
        column('series_id', 'string'),
        column('timestamp', 'datetime'),
        column('target', 'double'),
      ]),
      outputs: JSON.stringify([
        column('series_id', 'string'),
        column('timestamp', 'datetime'),
        column('forecast', 'double'),
      ]),
      params: null,
    },
    saved_input_example_info: {
      artifact_path: SERIES_MODEL_FILES.inputExample,
      type: 'dataframe',
      pandas_orient: 'split',
    },
    model_size_bytes: 0,
  };
  doc.model_size_bytes = await sizeOf(dir);
  await fs.writeFile(path.join(dir, 'MLmodel'), yaml.dump(doc, { sortKeys: true, lineWidth: -1 }));
  return doc;
}

async function sizeOf(dir: string): Promise<number> {
  let total = 0;
  for (const name of await fs.readdir(dir)) total += (await fs.stat(path.join(dir, name))).size;
  return total;
}

/** The series flavor of an MLmodel document, if it is a tsflow series model. */
export function seriesFlavor(doc: MLmodelDoc): TsflowSeriesFlavor | undefined {
  const f = doc.flavors?.tsflow as Partial<TsflowSeriesFlavor> | undefined;
  return f?.kind === 'series' ? (f as TsflowSeriesFlavor) : undefined;
}
