import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { TrainingInputError } from '../errors';
import { readMlmodel } from '../models/mlflow-model-dir';
import { parseTransform, withTransform } from '../models/transformed';
import { FittedSeriesModel, modelFamily, SeriesHistory } from '../models';
import { calendarFeatures } from '../series/calendar';
import { dateOnly, Frequency, parseFrequency, timestampAt } from '../series/frequency';
import { formatTimestamp } from '../series/timestamps';
import { seriesFlavor, StoredHistory, TsflowSeriesFlavor } from './series-model-dir';

/** One series' forecast as served: the target timestamps, the point forecast and the intervals per step. */
export interface SeriesPrediction {
  series_id: string;
  timestamps: string[];
  predictions: number[];
  intervals: { level: number; lower: number[]; upper: number[] }[];
}

const floats = (a: (number | null)[]) => Float64Array.from(a, (v) => (v === null ? NaN : v));

/**
 * A loaded series model: the family's fitted state plus the history of every series of its
 * panel. Forecasts any of those series by id from the end of its data, or a history given in
 * the request (long-format scoring input).
 */
export class SeriesPredictor {
  readonly backend: string;

  private constructor(
    readonly flavor: TsflowSeriesFlavor,
    readonly model: FittedSeriesModel,
    readonly frequency: Frequency,
    private readonly histories: Map<string, SeriesHistory>,
  ) {
    this.backend = `tsflow-${flavor.family}`;
  }

  static async load(dir: string): Promise<SeriesPredictor> {
    const flavor = seriesFlavor(await readMlmodel(dir));
    if (!flavor) throw new TrainingInputError(`${dir} is not a tsflow series model (no 'tsflow' series flavor)`);
    const state = JSON.parse(await fs.readFile(path.join(dir, flavor.data), 'utf8')) as unknown;
    const stored = JSON.parse(await fs.readFile(path.join(dir, flavor.history), 'utf8')) as StoredHistory;
    const frequency = parseFrequency(flavor.frequency);
    const histories = new Map<string, SeriesHistory>();
    for (const s of stored.series) {
      const timestamps = Float64Array.from(s.timestamps);
      histories.set(s.id, {
        id: s.id,
        values: floats(s.values),
        timestamps,
        known: {
          ...Object.fromEntries(Object.entries(s.known).map(([k, v]) => [k, floats(v)])),
          ...calendarFeatures(frequency, timestamps),
        },
      });
    }
    const family = withTransform(modelFamily(flavor.family), parseTransform(flavor.transform));
    return new SeriesPredictor(flavor, family.load(state), frequency, histories);
  }

  get seriesIds(): string[] {
    return [...this.histories.keys()];
  }

  /** The stored history of a series; an id the model never saw is an error naming it. */
  history(id: string): SeriesHistory {
    const h = this.histories.get(id);
    if (!h) {
      const some = this.seriesIds.slice(0, 10).map((s) => `'${s}'`);
      throw new TrainingInputError(
        `Unknown series_id '${id.slice(0, 80)}': this model knows ${this.histories.size} series (${some.join(', ')}${this.histories.size > 10 ? ', ...' : ''}).`,
      );
    }
    return h;
  }

  /** Declared covariates whose future values a forecast needs (`known` of `forecast`). */
  get knownInputs(): readonly string[] {
    return this.model.knownInputs ?? [];
  }

  /** The future values of known covariates given with a request, checked against what the model reads. */
  private futureKnown(
    known: Readonly<Record<string, unknown>> | undefined,
    horizon: number,
  ): Record<string, Float64Array> {
    const out: Record<string, Float64Array> = {};
    for (const [name, raw] of Object.entries(known ?? {})) {
      if (!this.knownInputs.includes(name))
        throw new TrainingInputError(
          `Unknown known covariate '${name.slice(0, 80)}': this model reads ${this.knownInputs.length > 0 ? this.knownInputs.map((n) => `'${n}'`).join(', ') : 'none'}.`,
        );
      if (!Array.isArray(raw) || raw.length < horizon || !raw.every((v) => typeof v === 'number' && Number.isFinite(v)))
        throw new TrainingInputError(
          `Known covariate '${name}' needs a list of at least ${horizon} finite numbers (one per forecast step).`,
        );
      out[name] = Float64Array.from(raw as number[]);
    }
    return out;
  }

  /**
   * `horizon` steps after the end of `history` (a stored series, or one given in the request),
   * with the future values of the known covariates the model reads (`known`, by name).
   */
  forecast(
    history: SeriesHistory,
    horizon: number,
    levels: readonly number[] = this.flavor.interval_levels,
    known?: Readonly<Record<string, unknown>>,
  ): SeriesPrediction {
    if (this.model.seriesIds.length > 0 && !this.model.seriesIds.includes(history.id)) this.history(history.id);
    const last = history.timestamps[history.timestamps.length - 1];
    const future = Float64Array.from({ length: horizon }, (_, k) => timestampAt(this.frequency, last, k + 1));
    const f = this.model.forecast({
      history: history.known ? history : { ...history, known: calendarFeatures(this.frequency, history.timestamps) },
      horizon,
      levels: [...levels],
      futureKnown: { ...calendarFeatures(this.frequency, future), ...this.futureKnown(known, horizon) },
    });
    return {
      series_id: history.id,
      timestamps: Array.from(future, (t) => this.formatTime(t)),
      predictions: Array.from(f.mean),
      intervals: f.intervals.map((i) => ({ level: i.level, lower: Array.from(i.lower), upper: Array.from(i.upper) })),
    };
  }

  /** A timestamp as this model answers it (a date for daily and coarser frequencies). */
  formatTime(t: number): string {
    return formatTimestamp(t, dateOnly(this.frequency, t));
  }

  dispose(): void {
    this.model.dispose?.();
  }
}
