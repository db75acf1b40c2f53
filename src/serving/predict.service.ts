import { performance } from 'node:perf_hooks';
import { Inject, Injectable } from '@nestjs/common';
import { MlflowError } from '../common/mlflow-error';
import { Infer } from '../common/proto/fields';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { MetricsService } from '../common/metrics/metrics.service';
import {
  CleanBar,
  cleanBars,
  ExogenousBars,
  isIsoDate,
  PredictionInterval,
  TrainingInputError,
  WindowInput,
} from '../training/core';
import { DataSourceKind, PriceDataService } from '../training/data/price-data.service';
import { ForecasterEntry, ServedEntry } from './champion.loader';
import { parseModelRef } from './model-ref';
import type { OnnxModel } from './runtimes/onnx-model';
import { pyfuncInput } from './scoring/pyfunc-input';
import { ChampionModelHolder } from './champion-model.holder';
import { PredictReq } from './dtos/predict.dto';
import { predictAnswer, SeriesPredictAnswer } from './series-forecast';
import { DatedPrediction, forecastBatch, forecastFrom, lookbackDays, parseValues, rollingForecast } from './forecast';

export type PredictRequest = Infer<typeof PredictReq>;

export interface ModelInfo {
  name: string;
  version: string;
  run_id: string | null;
  backend: string;
}

export interface PredictResponse {
  model: ModelInfo;
  /** tsflow forecasters: numbers or dated predictions; ONNX models: MLflow's predictions for `values` as `inputs`. */
  predictions: number[] | DatedPrediction[] | unknown;
  /** Values form: the intervals of each forecast (models trained with intervals). */
  intervals?: PredictionInterval[][];
}

/** Longest rolling forecast one request may ask for (trading days). */
const MAX_RANGE_DAYS = 5000;
const DAY_MS = 86_400_000;
const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);
const shiftDays = (date: string, days: number) => isoDay(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS);

/**
 * /predict: picks the champion (the request's `model` or the default), holds a lease on it
 * for the whole request (a concurrent swap cannot free it), and answers one of three forms:
 * `values` (forecast after the given prices), `start_date`/`end_date` (rolling forecasts
 * beside the actual prices) or `date` (forecast for one day), each with an optional horizon.
 */
@Injectable()
export class PredictService {
  constructor(
    private readonly holder: ChampionModelHolder,
    private readonly data: PriceDataService,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async predict(req: PredictRequest): Promise<PredictResponse | (SeriesPredictAnswer & { model: ModelInfo })> {
    if (req.series_id !== undefined) return this.predictSeries(req);
    if (req.known !== undefined)
      throw MlflowError.invalid("'known' (future covariate values) applies to series models: give a 'series_id'.");
    const form = this.form(req);
    const steps = this.horizon(req.horizon);
    let intervals: PredictionInterval[][] | undefined;
    const answer = await this.withChampion(req.model, async (served, name): Promise<unknown> => {
      if (served.model.runtime === 'onnx') return this.onnxValues(served.model, form, req, steps);
      const entry = served as ForecasterEntry;
      const p = entry.model.predictor;
      if (form === 'values') {
        const window = parseValues(p, req.values, `model '${name}' version ${entry.version}`);
        const values = steps === 1 ? [await entry.model.batcher.predict(window)] : forecastBatch(p, [window], steps)[0];
        if (p.intervalLevels.length > 0) intervals = values.map((v, k) => p.intervals(v, window, k + 1));
        return values;
      }
      const { bars, exo } = await this.history(
        entry,
        req,
        form === 'range' ? (req.start_date as string) : (req.date as string),
        form === 'range' ? (req.end_date as string) : undefined,
        steps,
      );
      return form === 'range'
        ? rollingForecast(p, bars, req.start_date as string, req.end_date as string, steps, exo)
        : forecastFrom(p, bars, req.date as string, steps, exo);
    });
    return intervals ? { ...answer, intervals } : answer;
  }

  /** A series model: `horizon` steps after the end of the series `series_id`, with intervals per step. */
  private async predictSeries(req: PredictRequest): Promise<SeriesPredictAnswer & { model: ModelInfo }> {
    const others = (['values', 'start_date', 'end_date', 'date', 'ticker', 'source'] as const).filter(
      (k) => req[k] !== undefined,
    );
    if (others.length > 0)
      throw MlflowError.invalid(
        `'series_id' asks a series model; it takes only 'horizon' and 'known' (got ${others.join(', ')}).`,
      );
    const known = req.known;
    if (known !== undefined && (known === null || typeof known !== 'object' || Array.isArray(known)))
      throw MlflowError.invalid(
        '\'known\' must be an object of future covariate values by name, e.g. {"promo": [0, 1]}.',
      );
    const id = req.series_id as string;
    const answer = await this.withChampion(req.model, (entry, name) => {
      const series = entry.model.runtime === 'tsflow' ? entry.model.series : undefined;
      if (!series)
        throw MlflowError.invalid(
          `The champion of '${name}' is a price forecaster, not a series model: 'series_id' does not apply (use 'values' or dates).`,
        );
      const steps =
        req.horizon === undefined ? series.flavor.horizon : this.horizon(req.horizon, series.flavor.horizon);
      return predictAnswer(
        series.forecast(series.history(id), steps, undefined, known as Record<string, unknown> | undefined),
      );
    });
    return { model: answer.model, ...answer.predictions };
  }

  /**
   * Runs `fn` on a leased champion, timing it; answers with the model's identity beside the
   * predictions. Core errors (bad input) propagate to the exception filter.
   */
  async withChampion<R>(
    model: string | undefined,
    fn: (entry: ServedEntry, name: string) => R | Promise<R>,
  ): Promise<{ model: ModelInfo; predictions: R }> {
    const name = model ?? (await this.holder.defaultModel());
    const lease = await this.holder.lease(name);
    const started = performance.now();
    try {
      const predictions = await fn(lease.entry, name);
      this.metrics.observePrediction(name, (performance.now() - started) / 1000);
      const e = lease.entry;
      const info = { name: parseModelRef(name).name, version: e.version, run_id: e.runId, backend: e.model.backend };
      return { model: info, predictions };
    } finally {
      lease.release();
    }
  }

  /** `atLeast`: a series model serves its trained horizon even above TSFLOW_MAX_HORIZON (M4's hourly 48 > 30). */
  horizon(h: number | undefined, atLeast = 0): number {
    const max = Math.max(this.config.serving.maxHorizon, atLeast);
    if (h === undefined) return 1;
    if (!Number.isInteger(h) || h < 1 || h > max)
      throw MlflowError.invalid(
        `'horizon' must be an integer from 1 to ${max} (${max > this.config.serving.maxHorizon ? "the model's horizon" : 'TSFLOW_MAX_HORIZON'}), got ${h}.`,
      );
    return h;
  }

  /** /predict's `values` form for an ONNX model: the values are its `inputs` (one tensor). */
  private onnxValues(model: OnnxModel, form: string, req: PredictRequest, steps: number): Promise<unknown> {
    if (form !== 'values' || steps !== 1)
      throw MlflowError.invalid(
        "This champion is an ONNX model: /predict takes only 'values' (its input tensor) without 'horizon'; /invocations takes every MLflow input form.",
      );
    return model.predict(pyfuncInput({ format: 'inputs', value: req.values, params: {} }));
  }

  private form(req: PredictRequest): 'values' | 'range' | 'date' {
    const forms = [
      req.values !== undefined && 'values',
      (req.start_date !== undefined || req.end_date !== undefined) && 'range',
      req.date !== undefined && 'date',
    ].filter((x): x is 'values' | 'range' | 'date' => !!x);
    if (forms.length !== 1) {
      throw MlflowError.invalid(
        `Give exactly one input: 'values' (the last prices), 'start_date' + 'end_date' (rolling forecasts over a range) or 'date' (one date), or 'series_id' for a series model; got ${forms.length ? forms.join(' and ') : 'none'}.`,
      );
    }
    const form = forms[0];
    if (form === 'range' && (req.start_date === undefined || req.end_date === undefined))
      throw MlflowError.invalid("A range needs both 'start_date' and 'end_date'.");
    for (const key of ['start_date', 'end_date', 'date'] as const) {
      const v = req[key];
      if (v !== undefined && !isIsoDate(v))
        throw MlflowError.invalid(`'${key}' must be a date YYYY-MM-DD, got '${v.slice(0, 40)}'.`);
    }
    if (form === 'range' && (req.start_date as string) > (req.end_date as string)) {
      throw MlflowError.invalid(`Empty range: start_date ${req.start_date} is after end_date ${req.end_date}.`);
    }
    if (
      form === 'range' &&
      Date.parse(req.end_date as string) - Date.parse(req.start_date as string) > (MAX_RANGE_DAYS * 7 * DAY_MS) / 5
    ) {
      throw MlflowError.invalid(`The range is too long: at most about ${MAX_RANGE_DAYS} trading days per request.`);
    }
    return form;
  }

  /** Clean bars from enough days before `from` for the first window, up to `to` (or a few sessions after `from`). */
  private async history(
    entry: ForecasterEntry,
    req: PredictRequest,
    from: string,
    to: string | undefined,
    steps: number,
  ): Promise<{ bars: CleanBar[]; exo: ExogenousBars }> {
    const p = entry.model.predictor;
    const ticker = req.ticker ?? entry.model.dataset.ticker;
    if (!ticker) throw MlflowError.invalid("This model has no recorded training ticker: pass 'ticker' (and 'source').");
    const source: DataSourceKind = req.source ?? entry.model.dataset.source ?? 'sample';
    const end = to ?? shiftDays(from, steps * 2 + 10);
    const start = shiftDays(from, -lookbackDays(p, steps));
    try {
      const spec = { ticker, source, start_date: start, end_date: end };
      const loaded = await this.data.load(spec);
      const exo = await this.data.loadExogenous(spec, p.exogenous, entry.model.dataset.cleaning);
      return { bars: cleanBars(loaded.bars, { strategy: entry.model.dataset.cleaning }).bars, exo };
    } catch (err) {
      // An empty window around a single date: say which way the date is off.
      if (to === undefined && err instanceof TrainingInputError && /^No daily bars/.test(err.message)) {
        throw new TrainingInputError(
          `No ${ticker} (${source}) prices between ${start} and ${end}: ${from} is outside the data (before it starts, or beyond the session after its last day).`,
        );
      }
      throw err;
    }
  }

  /** For /invocations: one window per entry, `steps` forecasts each. */
  async forecastWindows(entry: ForecasterEntry, windows: WindowInput[], steps: number): Promise<number[][]> {
    if (steps === 1 && windows.length === 1) return [[await entry.model.batcher.predict(windows[0])]];
    return forecastBatch(entry.model.predictor, windows, steps);
  }
}
