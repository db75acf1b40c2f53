import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ErrorCode, MlflowError } from '../common/mlflow-error';
import { Infer } from '../common/proto/fields';
import { ModelRegistryStore } from '../registry/model-registry.store';
import { PriceDataService } from '../training/data/price-data.service';
import { GridSearchService } from '../training/grid-search.service';
import { DataSourceError, isIsoDate } from '../training/core';
import { initialState, MonitorCheckService, RUNNING_STALE_MS } from './check/monitor-check.service';
import { retrainRequest } from './check/retrain-request';
import { CreateMonitorReq, UpdateMonitorReq } from './dtos/monitors.dto';
import { SeriesDatasetsService } from '../training/data/series-datasets.service';
import { datasetOf, retrainOf, scheduleOf, thresholdsOf } from './monitor-config';
import type { Monitor, MonitorCheck, MonitorConfig } from './monitor.types';
import { MonitorsStore } from './monitors.store';
import { missedTick, superseded } from './schedule/cron';
import { MonitorScheduler } from './schedule/monitor-scheduler';

const NAME = /^[A-Za-z0-9][\w.-]{0,99}$/;
const RESYNC_MS = 5 * 60_000;

/** Monitors: validated configuration, schedules kept in step with it, checks on demand. */
@Injectable()
export class MonitorsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MonitorsService.name);
  private resync?: NodeJS.Timeout;

  constructor(
    private readonly store: MonitorsStore,
    private readonly registry: ModelRegistryStore,
    private readonly prices: PriceDataService,
    private readonly seriesData: SeriesDatasetsService,
    private readonly grids: GridSearchService,
    private readonly checks: MonitorCheckService,
    @Inject(MonitorScheduler) private readonly scheduler: MonitorScheduler,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.scheduler.start((id, tick) => this.tick(id, tick));
    // Not awaited: a slow or absent Redis must not hold the API's start-up.
    void this.syncAll().then((monitors) => this.catchUp(monitors));
    this.resync = setInterval(() => void this.syncAll(), RESYNC_MS);
    this.resync.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.resync);
    await this.scheduler.close();
  }

  /**
   * Arms every stored monitor's schedule. Run at start and every few minutes: monitors made
   * or changed on another replica (in-process mode on a shared database), or while Redis was
   * down, get scheduled without a restart. Upserting an unchanged schedule changes nothing.
   */
  private async syncAll(): Promise<Monitor[]> {
    try {
      const monitors = await this.store.all();
      for (const m of monitors) await this.scheduler.sync(m);
      await this.scheduler.prune(new Set(monitors.map((m) => m.monitorId)));
      return monitors;
    } catch (err) {
      this.logger.warn(`monitor schedules not synced: ${(err as Error).message}`);
      return [];
    }
  }

  private async catchUp(monitors: Monitor[]): Promise<void> {
    for (const m of monitors) {
      if (m.paused) continue;
      const tick = missedTick(m.config.schedule, { lastTick: m.state.lastTick, createdAt: m.createdAt }, new Date());
      if (!tick) continue;
      this.logger.log(`monitor ${m.name}: running the missed tick ${tick.toISOString()} once`);
      await this.checks.run(m.monitorId, 'missed', tick.toISOString()).catch((err) => {
        this.logger.error(`missed tick of ${m.name} failed: ${(err as Error).message}`);
      });
    }
  }

  private async tick(monitorId: string, tick: Date): Promise<void> {
    const m = await this.store.get(monitorId);
    if (!m || m.paused) return;
    if (superseded(m.config.schedule, tick, new Date())) {
      this.logger.log(`monitor ${m.name}: tick ${tick.toISOString()} delivered late, a later tick is due: skipped`);
      return;
    }
    await this.checks.run(monitorId, 'schedule', tick.toISOString());
  }

  async create(req: Infer<typeof CreateMonitorReq>): Promise<Monitor> {
    this.validName(req.name);
    const config: MonitorConfig = {
      dataset: datasetOf(req.dataset),
      schedule: scheduleOf(req.schedule),
      thresholds: thresholdsOf(req.thresholds),
      retrain: retrainOf(req.retrain),
    };
    if (!(await this.registry.getRegisteredModel(req.model_name)))
      throw MlflowError.notFound(`Registered model '${req.model_name}' not found: register it before monitoring it.`);
    const monitorId = `mon-${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const draft: Monitor = {
      monitorId,
      name: req.name,
      modelName: req.model_name,
      config,
      paused: req.paused ?? false,
      state: initialState(),
      createdAt: Date.now(),
      updatedAt: Date.now(),
    };
    await this.validateData(draft);
    if (!(await this.store.create(draft))) throw MlflowError.exists(`Monitor '${req.name}' already exists.`);
    const created = await this.get(monitorId);
    await this.schedule(created);
    return created;
  }

  /**
   * The data source must load, and the retraining spec must pass the grid search's own validation.
   * A source that cannot load now (Yahoo unreachable offline) is a 400 with the reason too, not a
   * 503: the monitor is not created, and the caller decides (another source, or later).
   */
  private async validateData(m: Monitor): Promise<void> {
    if (await this.isSeriesDataset(m.config.dataset.ticker)) {
      if (m.config.retrain)
        throw MlflowError.invalid(
          `'${m.config.dataset.ticker}' is a series dataset: its monitor scores the champion per series; retrain with a search on the re-uploaded dataset (no 'retrain' spec).`,
        );
      return;
    }
    const data = await this.prices.load({ ...m.config.dataset }).catch((err: unknown) => {
      if (!(err instanceof DataSourceError && err.transient)) throw err;
      throw MlflowError.invalid(
        `The monitor's data source cannot load now, so the monitor was not created: ${err.message}`,
      );
    });
    if (m.config.retrain) await this.grids.validate(retrainRequest(m, data.bars[data.bars.length - 1].date));
  }

  /** A series dataset uploaded under this name (the monitor then scores a series champion on it). */
  private async isSeriesDataset(name: string): Promise<boolean> {
    const d = await this.seriesData.describe(name).catch(() => undefined);
    return d?.kind === 'series';
  }

  /** Stored first, scheduled second: if the scheduler (Redis) is down, the periodic re-sync arms it later. */
  private async schedule(m: Monitor): Promise<void> {
    await this.scheduler.sync(m).catch((err) => {
      this.logger.warn(`monitor ${m.name} stored but not scheduled yet: ${(err as Error).message}`);
    });
  }

  private validName(name: string): void {
    if (!NAME.test(name))
      throw MlflowError.invalid(
        `Invalid monitor name '${name.slice(0, 100)}': letters, digits, '_', '-', '.', starting with a letter or digit (at most 100).`,
      );
  }

  async get(monitorId: string): Promise<Monitor> {
    const m = await this.store.get(monitorId);
    if (!m) throw MlflowError.notFound(`Monitor '${monitorId}' not found`);
    return m;
  }

  list(limit: number, offset: number): Promise<Monitor[]> {
    return this.store.list(limit, offset);
  }

  history(monitorId: string, limit: number): Promise<MonitorCheck[]> {
    return this.store.checks(monitorId, limit);
  }

  async update(monitorId: string, req: Infer<typeof UpdateMonitorReq>): Promise<Monitor> {
    const m = await this.get(monitorId);
    if (req.name !== undefined) this.validName(req.name);
    const config: MonitorConfig = {
      dataset: req.dataset ? datasetOf(req.dataset) : m.config.dataset,
      schedule: req.schedule ? scheduleOf(req.schedule) : m.config.schedule,
      thresholds: req.thresholds ? thresholdsOf({ ...this.wireThresholds(m), ...req.thresholds }) : m.config.thresholds,
      retrain: req.retrain ? retrainOf(req.retrain) : m.config.retrain,
    };
    if (req.dataset || req.retrain) await this.validateData({ ...m, config });
    if (req.name !== undefined && req.name !== m.name) {
      const clash = (await this.store.all()).find((o) => o.name === req.name);
      if (clash) throw MlflowError.exists(`Monitor '${req.name}' already exists.`);
    }
    await this.store.update(monitorId, { config, paused: req.paused, name: req.name });
    const updated = await this.get(monitorId);
    await this.schedule(updated);
    return updated;
  }

  /** PATCH merges thresholds: what the caller leaves out keeps its value. */
  private wireThresholds(m: Monitor) {
    const t = m.config.thresholds;
    return {
      min_skill: t.minSkill,
      max_psi: t.maxPsi,
      max_ks: t.maxKs,
      retrain_every_days: t.retrainEveryDays,
      max_new_days: t.maxNewDays,
      min_scored_days: t.minScoredDays,
      skill_window_days: t.skillWindowDays,
      drift_window_days: t.driftWindowDays,
      cooldown_days: t.cooldownDays,
    };
  }

  async delete(monitorId: string): Promise<void> {
    await this.get(monitorId);
    await this.store.delete(monitorId);
    // A tick fired after this finds no monitor and does nothing; the scheduler entry goes now or at the next sync.
    await this.scheduler.remove(monitorId).catch((err) => {
      this.logger.warn(`schedule of deleted monitor ${monitorId} not removed yet: ${(err as Error).message}`);
    });
  }

  /** Runs a check now (optionally as of a past date, for replays) and returns it. */
  async checkNow(monitorId: string, asOf?: string): Promise<MonitorCheck> {
    await this.get(monitorId);
    if (asOf !== undefined && !isIsoDate(asOf))
      throw MlflowError.invalid(`'as_of' must be a date YYYY-MM-DD, got '${String(asOf).slice(0, 40)}'.`);
    const busy = await this.store.running(monitorId, Date.now() - RUNNING_STALE_MS);
    if (busy.length > 0)
      throw new MlflowError(
        ErrorCode.RESOURCE_CONFLICT,
        `Monitor '${monitorId}' is running check ${busy[0].checkId}; retry when it ends.`,
      );
    const check = await this.checks.run(monitorId, 'manual', `manual:${randomUUID()}`, asOf);
    if (!check) throw MlflowError.notFound(`Monitor '${monitorId}' not found`);
    return check;
  }
}
