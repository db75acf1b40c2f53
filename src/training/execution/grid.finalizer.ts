import { Injectable, Logger } from '@nestjs/common';
import { RunsService } from '../../experiments/runs.service';
import { ChampionService } from '../../registry/champion.service';
import { ModelRegistryStore } from '../../registry/model-registry.store';
import { CHAMPION_ALIAS, downloadUri } from '../../registry/registry.types';
import { ArtifactTransfer } from '../../storage/artifact.transfer';
import { cleanBars, MODEL_FILES } from '../core';
import { PriceDataService } from '../data/price-data.service';
import { GridCloser, GridClosing } from '../jobs/grid-closer';
import type { CandidateJob, GridJob } from '../jobs/job.types';
import type { GridResult, GridSpec, PromotionDecision } from '../training.types';
import { appendToUri } from '../../storage/artifact-uri';
import { better, Comparison, compareOnUnseenDays, promotionFloor } from './champion-evaluation';
import { MODEL_DIR } from './run.logger';
import { floorFailure, fmt4 as fmt } from '../core/promotion-floor';

function metricOf(job: CandidateJob, metric: string): number | null {
  const v = job.result?.metrics[metric];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * Decides how a grid search ends once its last candidate is final: picks the best candidate by
 * the selection metric (on a series dataset: among those not losing to seasonal naive on validation), applies the promotion policy, and records both on the parent run. The
 * job lifecycle calls it once per grid (after winning the claim) and makes the grid final.
 */
@Injectable()
export class GridFinalizer implements GridCloser {
  private readonly logger = new Logger(GridFinalizer.name);

  constructor(
    private readonly runs: RunsService,
    private readonly registry: ModelRegistryStore,
    private readonly champions: ChampionService,
    private readonly data: PriceDataService,
    private readonly transfer: ArtifactTransfer,
  ) {}

  async close(grid: GridJob, candidates: CandidateJob[]): Promise<GridClosing> {
    const spec = grid.spec;
    const scored = candidates
      .map((c) => ({ job: c, value: c.state === 'completed' ? metricOf(c, spec.metric) : null }))
      .filter((s): s is { job: CandidateJob; value: number } => s.value !== null);
    // A series candidate that loses to seasonal naive on validation cannot be promoted: the best
    // of those that do not is chosen (seasonal naive itself, at worst), so a search still promotes.
    const floorPassing = scored.filter((s) => s.job.spec.series && promotionFloor(s.job.result?.metrics).passed);
    const best = (floorPassing.length > 0 ? floorPassing : scored).reduce<(typeof scored)[number] | null>(
      (b, s) => (!b || better(spec.metric, s.value, b.value) ? s : b),
      null,
    );
    const result: GridResult = {
      best_run_id: best?.job.runId ?? null,
      best_candidate: best?.job.jobId ?? null,
      metric: spec.metric,
      best_value: best?.value ?? null,
      promotion: null,
    };
    if (best && spec.promote) {
      result.promotion = await this.promote(spec, best.job, best.value).catch((err) => this.promotionError(spec, err));
    }
    await this.recordOnParent(grid, result, candidates.filter((c) => c.state === 'pruned').length);
    if (best) return { state: 'completed', result, error: null };
    return { state: 'failed', result, error: 'no candidate completed with a finite selection metric' };
  }

  private promotionError(spec: GridSpec, err: unknown): PromotionDecision {
    this.logger.error(`promotion for ${spec.promote?.modelName} failed: ${(err as Error).message}`);
    return this.decision(spec, { promoted: false, reason: `promotion failed: ${(err as Error).message}` });
  }

  private decision(
    spec: GridSpec,
    d: Partial<PromotionDecision> & { promoted: boolean; reason: string },
  ): PromotionDecision {
    const p = spec.promote as NonNullable<GridSpec['promote']>;
    return {
      policy: p.policy,
      model_name: p.modelName,
      candidate_score: null,
      champion_score: null,
      champion_version: null,
      new_version: null,
      ...d,
    };
  }

  private async promote(spec: GridSpec, best: CandidateJob, score: number): Promise<PromotionDecision> {
    const { modelName, policy } = spec.promote as NonNullable<GridSpec['promote']>;
    const floor = promotionFloor(best.result?.metrics);
    const base = { candidate_score: score, floor };
    if (policy === 'never')
      return this.decision(spec, { ...base, promoted: false, reason: "policy 'never': best candidate reported only" });
    if (!floor.passed && floor.series) {
      return this.decision(spec, {
        ...base,
        promoted: false,
        reason: `candidate loses to seasonal naive on validation (val_skill=${fmt(floor.val_skill)} < 0): never promoted`,
      });
    }
    if (!floor.passed) {
      return this.decision(spec, {
        ...base,
        promoted: false,
        reason: `candidate ${floorFailure(floor)}: never promoted automatically`,
      });
    }
    const current = await this.registry.getVersionByAlias(modelName, CHAMPION_ALIAS).catch(() => undefined);
    const newer = current && (await this.championOnNewerData(best, downloadUri(current)));
    if (current && newer) {
      return this.decision(spec, {
        ...base,
        promoted: false,
        champion_version: String(current.version),
        reason: `champion v${current.version} was trained on data through ${newer.champion}, newer than the candidate's ${newer.candidate}: a model trained on older data never replaces it`,
      });
    }
    let comparison: Comparison | undefined;
    if (policy === 'if_better' && current && best.spec.series) {
      const kept = await this.seriesComparison(best, current.runId ?? null);
      if (kept)
        return this.decision(spec, { ...base, promoted: false, champion_version: String(current.version), ...kept });
    } else if (policy === 'if_better' && current) {
      comparison = await this.compare(best, downloadUri(current));
      if (comparison.days === 0 || !(comparison.candidate.skill > comparison.champion.skill)) {
        return this.keptChampion(spec, { ...base, comparison, champion_version: String(current.version) });
      }
    }
    const promotion = await this.champions.promote(modelName, { runId: best.runId as string });
    const reason =
      policy === 'always'
        ? "policy 'always' (floor passed)"
        : comparison
          ? `candidate skill ${fmt(comparison.candidate.skill)} beats champion ${fmt(comparison.champion.skill)} on ${comparison.days} day(s) after both training ends (${comparison.after})`
          : current
            ? `candidate test_mase beats champion v${current.version} on the same test steps (floor passed)`
            : 'no champion yet (floor passed)';
    return this.decision(spec, {
      ...base,
      promoted: true,
      reason,
      candidate_score: comparison?.candidate.skill ?? score,
      champion_score: comparison?.champion.skill ?? null,
      champion_version: current ? String(current.version) : null,
      new_version: promotion.champion.version,
      comparison,
    });
  }

  /** if_better and the candidate is not better (or nothing to compare on): the champion stays. */
  private keptChampion(
    spec: GridSpec,
    d: Partial<PromotionDecision> & { comparison: Comparison; champion_version: string },
  ): PromotionDecision {
    const { candidate, champion, days, after } = d.comparison;
    const v = d.champion_version;
    return this.decision(spec, {
      ...d,
      candidate_score: candidate.skill,
      champion_score: champion.skill,
      promoted: false,
      reason:
        days === 0
          ? `no day after both training ends (${after}) to compare the candidate with champion v${v} on`
          : `champion v${v} skill ${fmt(champion.skill)} vs candidate ${fmt(candidate.skill)} on ${days} day(s) after both training ends (${after}): candidate is not better`,
    });
  }

  /**
   * The data ends (preprocessing.json `data_range.last_date`) when the champion's is later than the
   * candidate's, else undefined (also when either cannot be read: the other rules decide then).
   */
  private async championOnNewerData(
    best: CandidateJob,
    championUri: string,
  ): Promise<{ champion: string; candidate: string } | undefined> {
    const dataEnd = (uri: string) =>
      this.transfer
        .readText(uri, MODEL_FILES.preprocessing)
        .then((text) => (JSON.parse(text) as { data_range?: { last_date?: string } }).data_range?.last_date)
        .catch(() => undefined);
    const info = await this.runs.getInfo(best.runId as string);
    const [candidate, champion] = await Promise.all([
      dataEnd(appendToUri(info.artifactUri, MODEL_DIR)),
      dataEnd(championUri),
    ]);
    return candidate && champion && champion > candidate ? { champion, candidate } : undefined;
  }

  /**
   * if_better on a series dataset: both runs scored on the same test steps of the same data
   * (same dataset digest, split and horizon); the candidate must have the lower test MASE.
   * Returns why the champion stays, or undefined when the candidate is better.
   */
  private async seriesComparison(
    best: CandidateJob,
    championRunId: string | null,
  ): Promise<{ reason: string; champion_score: number | null } | undefined> {
    const champion = championRunId ? await this.runs.get(championRunId).catch(() => undefined) : undefined;
    const candidate = await this.runs.get(best.runId as string);
    const key = (run: typeof candidate) =>
      JSON.stringify([
        run.data.tags.find((t) => t.key === 'tsflow.dataset.digest')?.value,
        ...['horizon', 'validation_steps', 'test_steps'].map((k) => run.data.params.find((p) => p.key === k)?.value),
      ]);
    const score = champion?.data.metrics.find((m) => m.key === 'test_mase')?.value;
    const mine = best.result?.metrics.test_mase;
    if (!champion || score === undefined || key(champion) !== key(candidate))
      return {
        reason: 'the champion was not scored on the same series, split and horizon: not comparable (use policy always)',
        champion_score: null,
      };
    if (mine !== undefined && mine < score) return undefined;
    return {
      reason: `champion test_mase ${fmt(score)} vs candidate ${fmt(mine)} on the same test steps: candidate is not better`,
      champion_score: score,
    };
  }

  /** Candidate vs champion on the candidate's data, on days neither trained on. */
  private async compare(best: CandidateJob, championUri: string): Promise<Comparison> {
    const spec = best.spec;
    const dataset = await this.data.load(spec.dataset);
    const info = await this.runs.getInfo(best.runId as string);
    return compareOnUnseenDays({
      transfer: this.transfer,
      candidateUri: appendToUri(info.artifactUri, MODEL_DIR),
      championUri,
      bars: cleanBars(dataset.bars, { strategy: spec.cleaning }).bars,
      loadExogenous: (tickers) => this.data.loadExogenous(spec.dataset, tickers, spec.cleaning),
    });
  }

  /** The outcome as tags and a best_<metric> metric on the parent run (its status is the lifecycle's). */
  private async recordOnParent(grid: GridJob, result: GridResult, pruned: number): Promise<void> {
    if (!grid.runId) return;
    const tags = [
      { key: 'tsflow.grid.best_run_id', value: result.best_run_id ?? '' },
      { key: 'tsflow.grid.metric', value: result.metric },
    ];
    // Which candidates stopped early and why: tsflow.search.pruned.<job id> (set when each stopped).
    if (grid.spec.strategy === 'halving') tags.push({ key: 'tsflow.search.pruned_count', value: String(pruned) });
    const p = result.promotion;
    if (p) {
      tags.push(
        { key: 'tsflow.promotion.policy', value: p.policy },
        { key: 'tsflow.promotion.decision', value: p.promoted ? 'promoted' : 'not_promoted' },
        { key: 'tsflow.promotion.reason', value: p.reason },
        { key: 'tsflow.promotion.candidate_score', value: String(p.candidate_score ?? '') },
        { key: 'tsflow.promotion.champion_score', value: String(p.champion_score ?? '') },
      );
      if (p.new_version) tags.push({ key: 'tsflow.promotion.new_version', value: p.new_version });
      if (p.floor) tags.push({ key: 'tsflow.promotion.floor', value: JSON.stringify(p.floor) });
      if (p.comparison) tags.push({ key: 'tsflow.promotion.comparison', value: JSON.stringify(p.comparison) });
    }
    const metrics =
      result.best_value === null
        ? []
        : [{ key: `best_${result.metric}`, value: result.best_value, timestamp: Date.now(), step: 0 }];
    await this.runs.logBatch(grid.runId, { tags, metrics });
  }
}
