import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ErrorCode, MlflowError } from '../common/mlflow-error';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { MetricsService } from '../common/metrics/metrics.service';
import { ChampionEvents } from '../registry/champion-events.service';
import { downloadUri, ModelVersion } from '../registry/registry.types';
import { ChampionLoader, NotServableError, ServedEntry, ServedModel } from './champion.loader';
import { isChampionKey, parseModelRef, refKey } from './model-ref';
import type { Runtime } from './runtimes/mlmodel';
import { ChampionSlot, Lease } from './champion-slot';
import { SharedModels } from './shared-models';
import { MODEL_NAMING } from './model-param';

type ModelStatus = 'loading' | 'ready' | 'no_champion' | 'load_failed' | 'registry_error';

interface LoadFailure {
  version: string;
  message: string;
  at: number;
  /** False: no runtime here can serve these files (reported once, not retried until the champion moves). */
  servable: boolean;
  /** The files that failed (a re-created model may reuse the version number). */
  source: string;
}

/** Everything the holder knows about one registered model. */
interface ModelState {
  name: string;
  slot: ChampionSlot<ServedModel>;
  status: ModelStatus;
  /** The sync loop in progress; `again` asks it for one more pass (a change arrived meanwhile). */
  syncing: Promise<void> | null;
  again: boolean;
  /** Epoch ms of the last completed registry check. */
  checkedAt: number;
  /** Epoch ms of the last request for it (a pinned version or other alias idle too long is unloaded). */
  usedAt: number;
  failure: LoadFailure | null;
}

/** One model as reported by /health and the serving status endpoint. */
export interface ServedModelStatus {
  name: string;
  status: ModelStatus;
  version: string | null;
  run_id: string | null;
  backend: string | null;
  /** The runtime serving the loaded version: tsflow forecasters or ONNX Runtime. */
  runtime: Runtime | null;
  loaded_at: number | null;
  /** Swapped-out versions still finishing requests. */
  draining: number;
  last_failure: LoadFailure | null;
}

/** Whether this process serves a version, and with which runtime (GET /api/v1/models/{name}/champion). */
export interface Servability {
  runtime: Runtime | null;
  servable: boolean;
  /** Why not (null when servable). */
  reason: string | null;
}

/** Answers for a not-loaded model come from the last check when it is this recent. */
const RECHECK_MS = 1000;
/** A pinned version or an alias other than champion, not requested for this long, is unloaded. */
export const IDLE_UNLOAD_MS = 10 * 60_000;
const SHUTDOWN_WAIT_MS = 5000;

const isNotFound = (err: unknown) => err instanceof MlflowError && err.code === ErrorCode.RESOURCE_DOES_NOT_EXIST;
const errorMessage = (err: unknown) => (err as Error)?.message ?? String(err);

/**
 * The champion of every registered model, in memory and ready for /predict.
 *
 * Loads each model's `champion` version at start, reloads in the background when the alias
 * moves (champion-changed events, in-process and over Redis; polling every
 * TSFLOW_CHAMPION_POLL_MS catches missed events), and swaps atomically: requests never wait
 * for a reload and never fail because of one. A failed load keeps the previous champion
 * serving and is reported by `status()` (/health) and the logs. Loads of one model are
 * serialised; changes arriving during a load trigger one more pass that reads the alias anew.
 */
@Injectable()
export class ChampionModelHolder implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ChampionModelHolder.name);
  private readonly models = new Map<string, ModelState>();
  /** Every key of one version shares its model. */
  private readonly shared = new SharedModels((version) => this.loader.load(version));
  private unsubscribe?: () => void;
  private timer?: NodeJS.Timeout;
  private polling: Promise<void> | null = null;
  private pollAgain = false;
  /** Names the registry confirmed to exist (a model without champion is kept, an unknown one is not). */
  private readonly exists = new Set<string>();
  private closed = false;

  constructor(
    private readonly loader: ChampionLoader,
    private readonly events: ChampionEvents,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.unsubscribe = this.events.subscribe((event) => this.sync(event.model));
    // Start-up loads run in the background; a request for a model still loading waits for it.
    void this.poll();
    this.timer = setInterval(() => void this.poll(), this.config.serving.championPollMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    this.unsubscribe?.();
    clearInterval(this.timer);
    const pending = [this.polling, ...[...this.models.values()].map((s) => s.syncing)].filter(
      (p): p is Promise<void> => !!p,
    );
    await Promise.race([Promise.allSettled(pending), new Promise((r) => setTimeout(r, SHUTDOWN_WAIT_MS).unref())]);
    for (const state of this.models.values()) state.slot.swap(null);
    this.models.clear();
  }

  /**
   * A lease on the champion of `name`, loading it first if this process has not yet. Throws
   * RESOURCE_DOES_NOT_EXIST (unknown model) or TEMPORARILY_UNAVAILABLE (no champion, or it
   * could not be loaded). The caller must release the lease.
   */
  async lease(model: string): Promise<Lease<ServedModel>> {
    // Only real names may become map keys (status() sorts them).
    if (typeof model !== 'string') throw MlflowError.invalid('A model name must be a string.');
    const name = refKey(parseModelRef(model));
    let state = this.models.get(name);
    let lease = state?.slot.acquire();
    if (!lease && (!state || state.syncing || Date.now() - state.checkedAt > this.recheckMs(state))) {
      await this.sync(name);
      state = this.models.get(name);
      lease = state?.slot.acquire();
    }
    if (lease) {
      state!.usedAt = Date.now();
      return lease;
    }
    const err = this.unavailable(name, state);
    // An alias or version that resolves to nothing is not kept (random names cannot grow the map).
    if (state && !isChampionKey(name) && !state.slot.entry && !state.failure && !state.syncing) {
      this.models.delete(name);
      this.exists.delete(name);
    }
    throw err;
  }

  /** The model a request that names none is for: TSFLOW_DEFAULT_MODEL, else the only one served. */
  async defaultModel(): Promise<string> {
    if (this.config.serving.defaultModel) return this.config.serving.defaultModel;
    const servedNow = () =>
      [...this.models.values()].filter((s) => s.slot.entry && isChampionKey(s.name)).map((s) => s.name);
    // Right after start-up the champions may still be loading: wait for them rather than fail.
    if (servedNow().length === 0 && this.polling) await this.polling;
    const served = servedNow();
    if (served.length === 1) return served[0];
    if (served.length === 0) {
      throw new MlflowError(
        ErrorCode.TEMPORARILY_UNAVAILABLE,
        `No champion model is loaded: promote one, or name the model with ${MODEL_NAMING}; TSFLOW_DEFAULT_MODEL sets a default.`,
      );
    }
    throw MlflowError.invalid(
      `Several models are served (${served.sort().join(', ')}): name one with ${MODEL_NAMING}, or set TSFLOW_DEFAULT_MODEL.`,
    );
  }

  status(): ServedModelStatus[] {
    return [...this.models.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((s) => {
        const e = s.slot.entry;
        return {
          name: s.name,
          status: s.status,
          version: e?.version ?? null,
          run_id: e?.runId ?? null,
          backend: e?.model.backend ?? null,
          runtime: e?.model.runtime ?? null,
          loaded_at: e?.loadedAt ?? null,
          draining: s.slot.draining,
          last_failure: s.failure,
        };
      });
  }

  /**
   * Whether `version` of `name` (its champion) is served here: loaded (runtime), or why not.
   * Waits for a load in progress or not yet started, so a fresh promotion gets a real answer.
   */
  async servability(name: string, version: string): Promise<Servability> {
    const answer = (): Servability | null => {
      const state = this.models.get(name);
      const entry = state?.slot.entry;
      if (entry?.version === version) return { runtime: entry.model.runtime, servable: true, reason: null };
      const failure = state?.failure;
      if (failure?.version === version) return { runtime: null, servable: false, reason: failure.message };
      return null;
    };
    const now = answer();
    if (now && !this.models.get(name)?.syncing) return now;
    await this.sync(name);
    return (
      answer() ?? { runtime: null, servable: false, reason: this.unavailable(name, this.models.get(name)).message }
    );
  }

  /** Resolves after a registry check of `name` that started after this call (coalesced). */
  sync(name: string): Promise<void> {
    const state = this.state(name);
    if (state.syncing) {
      state.again = true;
      return state.syncing;
    }
    state.syncing = (async () => {
      try {
        do {
          state.again = false;
          await this.syncOnce(state);
        } while (state.again && !this.closed);
      } finally {
        state.syncing = null;
        // Forget models that do not exist, so unknown names in requests cannot grow the map.
        if (state.status === 'no_champion' && !state.slot.entry && state.failure === null && !this.exists.has(name))
          this.models.delete(name);
      }
    })();
    return state.syncing;
  }

  /** Every model's alias against what is loaded; syncs the ones that differ (coalesced like sync). */
  poll(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.polling) {
      this.pollAgain = true;
      return this.polling;
    }
    this.polling = (async () => {
      try {
        do {
          this.pollAgain = false;
          await this.pollOnce();
        } while (this.pollAgain && !this.closed);
      } finally {
        this.polling = null;
      }
    })();
    return this.polling;
  }

  private async pollOnce(): Promise<void> {
    this.unloadIdle();
    try {
      const champions = await this.loader.allChampions();
      const names = new Set([...champions.keys(), ...this.models.keys()]);
      await Promise.all(
        [...names].map((name) => {
          // Other aliases and pinned versions are read anew each poll (no events for them).
          if (!isChampionKey(name)) return this.sync(name);
          const state = this.models.get(name);
          const wanted = champions.get(name);
          const loaded = state?.slot.entry?.version;
          const upToDate =
            wanted === undefined
              ? !loaded && state?.status !== 'load_failed'
              : loaded === String(wanted) ||
                (state?.failure?.servable === false && state.failure.version === String(wanted));
          return upToDate ? undefined : this.sync(name);
        }),
      );
    } catch (err) {
      this.logger.warn(`champion poll failed: ${errorMessage(err)}`);
    }
  }

  private state(name: string): ModelState {
    let state = this.models.get(name);
    if (!state) {
      const slot = new ChampionSlot<ServedModel>(
        (err, entry) => this.logger.warn(`disposing '${name}' version ${entry.version}: ${errorMessage(err)}`),
        (entry) => this.shared.release(entry),
      );
      const now = Date.now();
      state = { name, slot, status: 'loading', syncing: null, again: false, checkedAt: 0, usedAt: now, failure: null };
      this.models.set(name, state);
    }
    return state;
  }

  private async syncOnce(state: ModelState): Promise<void> {
    let version: ModelVersion | undefined;
    try {
      version = await this.loader.resolve(state.name);
      this.exists.add(state.name);
    } catch (err) {
      if (!isNotFound(err)) {
        // The registry is unreachable: keep serving what we have, try again later.
        if (!state.slot.entry) state.status = 'registry_error';
        this.logger.warn(`champion of '${state.name}' could not be read: ${errorMessage(err)}`);
        return;
      }
      this.exists.delete(state.name);
    } finally {
      state.checkedAt = Date.now();
    }
    if (!version) return this.unload(state);
    const current = state.slot.entry;
    if (current && current.version === String(version.version) && current.model.source === downloadUri(version)) {
      state.status = 'ready';
      state.failure = null;
      return;
    }
    const failed = state.failure;
    // Files no runtime can serve stay unservable: report them, do not download them again.
    if (
      failed &&
      !failed.servable &&
      failed.version === String(version.version) &&
      failed.source === downloadUri(version)
    )
      return;
    await this.load(state, version);
  }

  private async load(state: ModelState, version: ModelVersion): Promise<void> {
    const v = String(version.version);
    if (!state.slot.entry) state.status = 'loading';
    let entry: ServedEntry;
    try {
      entry = await this.shared.acquire(version);
    } catch (err) {
      this.loadFailed(state, v, err, downloadUri(version));
      return;
    }
    if (this.closed) return this.shared.release(entry);
    const previous = state.slot.swap(entry);
    state.status = 'ready';
    state.failure = null;
    this.metrics.modelLoaded(state.name, true);
    if (isChampionKey(state.name)) this.metrics.setChampion(state.name, v);
    this.logger.log(
      `serving '${state.name}' version ${v} (${entry.model.runtime}, ${entry.model.backend})${previous ? `, replacing version ${previous.version}` : ''}`,
    );
  }

  /**
   * A failed load: reported once per version and failure (the poller retries quietly; /health and
   * every scoring answer, 503, carry the reason meanwhile). Registering a model tsflow cannot serve
   * is allowed (as in MLflow): a warning, not an error.
   */
  private loadFailed(state: ModelState, version: string, err: unknown, source: string): void {
    const message = errorMessage(err);
    const servable = !(err instanceof NotServableError);
    const repeated = state.failure?.version === version && state.failure.message === message;
    state.failure = {
      version,
      message,
      at: repeated ? (state.failure as LoadFailure).at : Date.now(),
      servable,
      source,
    };
    state.status = 'load_failed';
    this.metrics.modelLoaded(state.name, false);
    if (repeated) return;
    const serving = state.slot.entry ? `still serving version ${state.slot.entry.version}` : 'nothing to serve';
    const text = `loading champion '${state.name}' version ${version} failed (${serving}): ${message}`;
    if (servable) this.logger.error(text);
    else this.logger.warn(`${text} — it is not servable here; /health and scoring requests report it`);
  }

  /** Pinned versions and other aliases nobody asked for in IDLE_UNLOAD_MS: unloaded and forgotten. */
  private unloadIdle(): void {
    const now = Date.now();
    for (const state of [...this.models.values()]) {
      if (isChampionKey(state.name) || state.syncing || now - state.usedAt <= IDLE_UNLOAD_MS) continue;
      this.models.delete(state.name);
      this.exists.delete(state.name);
      const previous = state.slot.swap(null);
      if (previous)
        this.logger.log(
          `'${state.name}' not requested for ${IDLE_UNLOAD_MS / 60_000} min: version ${previous.version} unloaded`,
        );
    }
  }

  private unload(state: ModelState): void {
    const previous = state.slot.swap(null);
    state.status = 'no_champion';
    state.failure = null;
    if (isChampionKey(state.name)) this.metrics.setChampion(state.name, null);
    if (previous) this.logger.log(`'${state.name}' has no champion any more: version ${previous.version} unloaded`);
  }

  private recheckMs(state: ModelState): number {
    // A failed load is retried by the poller, not by every request.
    return state.status === 'load_failed' ? this.config.serving.championPollMs : RECHECK_MS;
  }

  private unavailable(name: string, state: ModelState | undefined): MlflowError {
    const ref = parseModelRef(name);
    if (!state || (state.status === 'no_champion' && !this.exists.has(name))) {
      return MlflowError.notFound(`Registered Model with name=${ref.name} not found`);
    }
    if (state.status === 'no_champion' && !isChampionKey(name))
      return MlflowError.notFound(
        ref.version !== undefined
          ? `Model Version (name=${ref.name}, version=${ref.version}) not found`
          : `Registered model alias ${ref.alias} not found.`,
      );
    if (state.status === 'load_failed' && state.failure) {
      const what = state.failure.servable ? 'could not be loaded' : 'cannot be served here';
      return new MlflowError(
        ErrorCode.TEMPORARILY_UNAVAILABLE,
        `The champion of '${name}' (version ${state.failure.version}) ${what}: ${state.failure.message}`,
      );
    }
    if (state.status === 'registry_error')
      return new MlflowError(
        ErrorCode.TEMPORARILY_UNAVAILABLE,
        `The model registry is unreachable; '${name}' cannot be loaded now.`,
      );
    return new MlflowError(
      ErrorCode.TEMPORARILY_UNAVAILABLE,
      `Registered model '${name}' has no champion yet: promote a version with POST /api/v1/models/${encodeURIComponent(name)}/champion.`,
    );
  }
}
