import { Injectable } from '@nestjs/common';
import { MlflowError } from '../common/mlflow-error';
import { SeriesPredictor } from '../training/core';
import { ChampionModelHolder } from './champion-model.holder';
import { parseModelRef } from './model-ref';

/** What kind of forecaster a champion is: the UI asks series models by id and price forecasters by dates. */
export type ChampionKind = 'series' | 'prices' | 'onnx';

export interface ChampionPanel {
  model: { name: string; version: string };
  kind: ChampionKind;
  /** Series models only (absent for other kinds). */
  family?: string;
  frequency?: string;
  seasonal_periods?: number[];
  horizon?: number;
  interval_levels?: number[];
  /** Declared known covariates whose future values a forecast needs (`known` of /predict). */
  known_inputs?: string[];
  series_count: number;
  /** Matching ids in panel order, at most `max_results`; `matched` counts all matches. */
  series: { id: string; length: number; last: string }[];
  matched: number;
}

export interface ChampionSeriesHistory {
  model: { name: string; version: string };
  series_id: string;
  frequency: string;
  seasonal_periods: number[];
  /** Steps in the stored history; `timestamps`/`values` hold its last `last` steps (missing values as null). */
  length: number;
  timestamps: string[];
  values: (number | null)[];
}

export const SERIES_PAGE = { default: 50, max: 1000 };
export const HISTORY_TAIL = { default: 200, max: 10_000 };

/**
 * The panel a champion answers for, read from the loaded model (the history it forecasts
 * from, not the dataset as uploaded since): its series ids for a searchable choice, and the
 * recent history of one series to draw beside its forecast.
 */
@Injectable()
export class ChampionPanelService {
  constructor(private readonly holder: ChampionModelHolder) {}

  async panel(name: string, filter = '', max = SERIES_PAGE.default): Promise<ChampionPanel> {
    return this.withSeries(name, (model, p, runtime) => {
      if (!p) return { model, kind: runtime === 'onnx' ? 'onnx' : 'prices', series_count: 0, series: [], matched: 0 };
      const needle = filter.toLowerCase();
      const ids = p.seriesIds.filter((id) => id.toLowerCase().includes(needle));
      return {
        model,
        kind: 'series',
        family: p.flavor.family,
        frequency: p.flavor.frequency,
        seasonal_periods: p.flavor.seasonal_periods,
        horizon: p.flavor.horizon,
        interval_levels: p.flavor.interval_levels,
        known_inputs: [...p.knownInputs],
        series_count: p.seriesIds.length,
        series: ids.slice(0, max).map((id) => {
          const h = p.history(id);
          const n = h.timestamps.length;
          return { id, length: n, last: n ? p.formatTime(h.timestamps[n - 1]) : '' };
        }),
        matched: ids.length,
      };
    });
  }

  async history(name: string, seriesId: string, last = HISTORY_TAIL.default): Promise<ChampionSeriesHistory> {
    return this.withSeries(name, (model, p) => {
      if (!p)
        throw MlflowError.invalid(
          `The champion of '${model.name}' is not a series model: it has no series histories (forecast it by dates).`,
        );
      const h = p.history(seriesId);
      const from = Math.max(0, h.values.length - last);
      return {
        model,
        series_id: h.id,
        frequency: p.flavor.frequency,
        seasonal_periods: p.flavor.seasonal_periods,
        length: h.values.length,
        timestamps: Array.from(h.timestamps.subarray(from), (t) => p.formatTime(t)),
        values: Array.from(h.values.subarray(from), (v) => (Number.isFinite(v) ? v : null)),
      };
    });
  }

  /** Runs `fn` on a lease of the champion with its series predictor (undefined for other kinds). */
  private async withSeries<R>(
    name: string,
    fn: (model: { name: string; version: string }, p: SeriesPredictor | undefined, runtime: string) => R,
  ): Promise<R> {
    const lease = await this.holder.lease(name);
    try {
      const served = lease.entry.model;
      const series = served.runtime === 'tsflow' ? served.series : undefined;
      const model = { name: parseModelRef(name).name, version: lease.entry.version };
      return fn(model, series, served.runtime);
    } finally {
      lease.release();
    }
  }
}
