import { Injectable, Logger } from '@nestjs/common';
import { RunsService } from '../../experiments/runs.service';
import { ChampionService } from '../../registry/champion.service';
import { ModelRegistryStore } from '../../registry/model-registry.store';
import { CHAMPION_ALIAS, downloadUri } from '../../registry/registry.types';
import { ArtifactTransfer } from '../../storage/artifact.transfer';
import { cleanBars } from '../core';
import { PriceDataService } from '../data/price-data.service';
import { GridCloser, GridClosing } from '../jobs/grid-closer';
import type { CandidateJob, GridJob } from '../jobs/job.types';
import type { GridResult, GridSpec, PromotionDecision } from '../training.types';
import { better, scoreChampion } from './champion-evaluation';

function metricOf(job: CandidateJob, metric: string): number | null {
  const v = job.result?.metrics[metric];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * Decides how a grid search ends once its last candidate is final: picks the best candidate by
 * the selection metric, applies the promotion policy, and records both on the parent run. The
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
    const best = scored.reduce<(typeof scored)[number] | null>(
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
    return this.decision(spec, false, `promotion failed: ${(err as Error).message}`, null, null, null, null);
  }

  private decision(
    spec: GridSpec,
    promoted: boolean,
    reason: string,
    candidate: number | null,
    champion: number | null,
    championVersion: string | null,
    newVersion: string | null,
  ): PromotionDecision {
    const p = spec.promote as NonNullable<GridSpec['promote']>;
    return {
      policy: p.policy,
      model_name: p.modelName,
      promoted,
      reason,
      candidate_score: candidate,
      champion_score: champion,
      champion_version: championVersion,
      new_version: newVersion,
    };
  }

  private async promote(spec: GridSpec, best: CandidateJob, score: number): Promise<PromotionDecision> {
    const { modelName, policy } = spec.promote as NonNullable<GridSpec['promote']>;
    if (policy === 'never')
      return this.decision(spec, false, "policy 'never': best candidate reported only", score, null, null, null);
    const current = await this.registry.getVersionByAlias(modelName, CHAMPION_ALIAS).catch(() => undefined);
    let championScore: number | null = null;
    if (policy === 'if_better' && current) {
      const candidateSpec = best.spec;
      const dataset = await this.data.load(candidateSpec.dataset);
      championScore = await scoreChampion({
        transfer: this.transfer,
        modelUri: downloadUri(current),
        bars: cleanBars(dataset.bars, { strategy: candidateSpec.cleaning }).bars,
        candidateParams: candidateSpec.params,
        metric: spec.metric,
      });
      if (!better(spec.metric, score, championScore)) {
        return this.decision(
          spec,
          false,
          `champion v${current.version} scores ${spec.metric}=${championScore} on the same data; candidate ${score} is not better`,
          score,
          championScore,
          String(current.version),
          null,
        );
      }
    }
    const promotion = await this.champions.promote(modelName, { runId: best.runId as string });
    const reason =
      policy === 'always'
        ? "policy 'always'"
        : current
          ? `candidate ${score} beats champion ${championScore} (${spec.metric})`
          : 'no champion yet';
    return this.decision(
      spec,
      true,
      reason,
      score,
      championScore,
      current ? String(current.version) : null,
      promotion.champion.version,
    );
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
    }
    const metrics =
      result.best_value === null
        ? []
        : [{ key: `best_${result.metric}`, value: result.best_value, timestamp: Date.now(), step: 0 }];
    await this.runs.logBatch(grid.runId, { tags, metrics });
  }
}
