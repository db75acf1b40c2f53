import {
  SeriesDatasetBuilder,
  SeriesHistory,
  SeriesPrediction,
  SeriesPredictor,
  TrainingInputError,
} from '../training/core';
import { badRequest, Frame, readFrame } from './scoring/protocol';

/** Long-format scoring input columns (the dataset's own column names are accepted too). */
const COLUMNS = { series_id: 'series_id', timestamp: 'timestamp', target: 'target' } as const;

/** A /predict answer for one series: the forecast per step, its target timestamps and its intervals per step. */
export interface SeriesPredictAnswer {
  series_id: string;
  timestamps: string[];
  predictions: number[];
  /** Per step, one interval per level (the shape of the values form's intervals). */
  intervals: { level: number; lower: number; upper: number }[][];
}

export function predictAnswer(p: SeriesPrediction): SeriesPredictAnswer {
  return {
    series_id: p.series_id,
    timestamps: p.timestamps,
    predictions: p.predictions,
    intervals: p.predictions.map((_, k) =>
      p.intervals.map((i) => ({ level: i.level, lower: i.lower[k], upper: i.upper[k] })),
    ),
  };
}

/**
 * `dataframe_split` / `dataframe_records` in long format (series_id, timestamp, target; or
 * the dataset's own timestamp / target columns): the history of each series, on the model's
 * frequency, checked like an upload (order, steps, gaps filled from the past).
 */
export function historiesFromFrame(p: SeriesPredictor, key: string, value: unknown): SeriesHistory[] {
  const frame: Frame = readFrame(key as 'dataframe_split' | 'dataframe_records', value);
  const pick = (standard: string, own?: string) =>
    frame.columns.includes(standard) ? standard : own && frame.columns.includes(own) ? own : undefined;
  const timestamp = pick(COLUMNS.timestamp);
  const target = pick(COLUMNS.target, p.flavor.target);
  const seriesId = pick(COLUMNS.series_id);
  if (!timestamp || !target)
    throw badRequest(
      `A series model reads long-format DataFrames: columns 'series_id', 'timestamp' and 'target' (or '${p.flavor.target}'); got [${frame.columns.join(', ')}].`,
    );
  if (!seriesId && p.seriesIds.length > 1)
    throw badRequest(`This model knows ${p.seriesIds.length} series: give a 'series_id' column.`);
  const builder = new SeriesDatasetBuilder('the DataFrame', {
    timestamp,
    target,
    ...(seriesId ? { series_id: seriesId } : {}),
    known: [],
    observed: [],
    frequency: p.flavor.frequency,
  });
  const cell = (v: unknown, column: string) =>
    v === null || v === undefined
      ? ''
      : typeof v === 'number' && column === timestamp
        ? new Date(v).toISOString()
        : String(v);
  try {
    frame.data.forEach((row, i) =>
      builder.row(frame.columns, { line: i + 1, cells: row.map((v, j) => cell(v, frame.columns[j])) }),
    );
    const built = builder.finish(frame.columns);
    return built.dataset.series.map((s) => ({
      id: seriesId ? s.id : p.seriesIds[0],
      values: s.values,
      timestamps: s.timestamps,
    }));
  } catch (err) {
    if (err instanceof TrainingInputError) throw badRequest(err.message.replace(/ line (\d+)/g, ' row $1'));
    throw err;
  }
}

/** The forecasts as long-format records: one row per series and step, interval bounds as columns. */
export function forecastRecords(forecasts: SeriesPrediction[]): Record<string, string | number>[] {
  return forecasts.flatMap((f) =>
    f.predictions.map((value, k) => {
      const row: Record<string, string | number> = {
        series_id: f.series_id,
        timestamp: f.timestamps[k],
        forecast: value,
      };
      for (const i of f.intervals) {
        const pct = Math.round(i.level * 100);
        row[`lower_${pct}`] = i.lower[k];
        row[`upper_${pct}`] = i.upper[k];
      }
      return row;
    }),
  );
}
