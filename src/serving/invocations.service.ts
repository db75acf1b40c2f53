import { Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { readText, parseJsonBody } from '../common/http/body';
import { ErrorCode, MlflowError } from '../common/mlflow-error';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ChampionModelHolder } from './champion-model.holder';
import { invocationModel } from './model-param';
import { PredictService } from './predict.service';
import { ForecasterEntry } from './champion.loader';
import { OnnxModel } from './runtimes/onnx-model';
import { parseCsvInput, parseJsonInput, ScoringInput } from './scoring-input';
import { badRequest, isCsv, readScoringRequest } from './scoring/protocol';
import { csvInput, pyfuncInput } from './scoring/pyfunc-input';
import { forecastRecords, historiesFromFrame } from './series-forecast';
import type { SeriesPredictor } from '../training/core';

export { unsupportedMediaType } from './scoring/protocol';

/**
 * MLflow scoring-server protocol (`mlflow models serve`): POST /invocations answers
 * `{"predictions": ...}` from the champion of the default model (or `?model=`, or a top-level
 * `"model"` key of the JSON body), GET /ping is
 * 200 once that champion is loaded. The request is read once (protocol.ts) and handed to the
 * champion's runtime. tsflow forecasters: a number per window, or a list of `horizon` numbers
 * per window when `params.horizon` > 1; DataFrame input is one series. ONNX models: as
 * `mlflow.onnx`'s pyfunc answers, after the signature is enforced.
 */
@Injectable()
export class InvocationsService {
  constructor(
    private readonly predict: PredictService,
    private readonly holder: ChampionModelHolder,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async invoke(
    body: Readable | undefined,
    contentType: string | undefined,
    model: string | undefined,
    /** Checks a model the JSON body names (the caller's permission on it: auth.guard.ts). */
    mayScore: (model: string | undefined) => Promise<void> = async () => {},
  ): Promise<{ predictions: unknown; intervals?: unknown }> {
    const text = body ? await readText(body, this.config.maxBodyBytes) : '';
    const csv = isCsv(contentType);
    const json = csv ? undefined : parseJsonBody(text);
    const named = invocationModel(model, json);
    await mayScore(named);
    const answer = await this.predict.withChampion(named, async (served) => {
      if (served.model.runtime === 'onnx') return { predictions: await this.onnx(served.model, csv, text, json) };
      const entry = served as ForecasterEntry;
      if (entry.model.series) return this.series(entry.model.series, csv, json);
      const input: ScoringInput = csv
        ? parseCsvInput(entry.model.predictor, text)
        : parseJsonInput(entry.model.predictor, json);
      const steps = this.steps(input.params.horizon);
      const forecasts = await this.predict.forecastWindows(entry, input.windows, steps);
      const p = entry.model.predictor;
      // Beside MLflow's `predictions` (clients read only that key): the intervals, shaped like the forecasts.
      const bands = forecasts.map((f, w) => f.map((v, k) => p.intervals(v, input.windows[w], k + 1)));
      const shape = <T>(per: T[][]) => (input.series ? per[0] : steps === 1 ? per.map((f) => f[0]) : per);
      return { predictions: shape(forecasts), intervals: p.intervalLevels.length > 0 ? shape(bands) : undefined };
    });
    const { predictions, intervals } = answer.predictions;
    return intervals === undefined ? { predictions } : { predictions, intervals };
  }

  private onnx(model: OnnxModel, csv: boolean, text: string, json: unknown): Promise<unknown> {
    // `params` are accepted and ignored, as MLflow does for a signature without a params schema.
    return model.predict(csv ? csvInput(text) : pyfuncInput(readScoringRequest(json)));
  }

  /**
   * A series model: long-format DataFrame in (series_id, timestamp, target), long-format
   * forecasts out (series_id, timestamp, forecast, lower_<level>, upper_<level>), `params.horizon`
   * steps per series (default: the model's horizon), `params.known` the future values of the
   * known covariates the model reads (by name, the same for every series of the frame).
   */
  private series(p: SeriesPredictor, csv: boolean, json: unknown): { predictions: unknown; intervals?: undefined } {
    if (csv) throw badRequest("A series model reads JSON 'dataframe_split' or 'dataframe_records' (long format).");
    const o = (json ?? {}) as Record<string, unknown>;
    const key = ['dataframe_split', 'dataframe_records'].find((k) => k in o);
    if (!key || typeof o !== 'object')
      throw badRequest(
        "A series model reads 'dataframe_split' or 'dataframe_records' with series_id, timestamp, target.",
      );
    const params = (o.params ?? {}) as Record<string, unknown>;
    const steps = params.horizon === undefined ? p.flavor.horizon : this.steps(params.horizon, p.flavor.horizon);
    const known = params.known;
    if (known !== undefined && (known === null || typeof known !== 'object' || Array.isArray(known)))
      throw badRequest('params.known must be an object of future covariate values by name, e.g. {"promo": [0, 1]}.');
    const forecasts = historiesFromFrame(p, key, o[key]).map((h) =>
      p.forecast(h, steps, undefined, known as Record<string, unknown> | undefined),
    );
    return { predictions: forecastRecords(forecasts) };
  }

  /** 200 once the default model's champion is loaded (404 otherwise), like MLflow's /ping. */
  async ping(model: string | undefined): Promise<string> {
    try {
      const lease = await this.holder.lease(model ?? (await this.holder.defaultModel()));
      lease.release();
      return '\n';
    } catch (err) {
      throw new MlflowError(ErrorCode.RESOURCE_DOES_NOT_EXIST, `No model is ready to serve: ${(err as Error).message}`);
    }
  }

  private steps(h: unknown, atLeast = 0): number {
    if (h === undefined || h === null) return 1;
    const n = typeof h === 'string' && /^\d+$/.test(h) ? Number(h) : h;
    try {
      return this.predict.horizon(n as number, atLeast);
    } catch (err) {
      throw badRequest(`params.${(err as Error).message.replace(/^'horizon'/, 'horizon')}`);
    }
  }
}
