import { Injectable, Logger } from '@nestjs/common';
import { RunsService } from '../../experiments/runs.service';
import { ChampionService } from '../../registry/champion.service';
import { ModelRegistryStore } from '../../registry/model-registry.store';
import { CHAMPION_ALIAS, downloadUri } from '../../registry/registry.types';
import { ArtifactTransfer } from '../../storage/artifact.transfer';
import { cleanBars, TrainingParams } from '../core';
import { PriceDataService } from '../data/price-data.service';
import { FINAL_STATES, JobRecord } from '../jobs/job.types';
import { TrainingJobsStore } from '../jobs/training-jobs.store';
import type { GridResult, GridSpec, PromotionDecision, TrainingSpec } from '../training.types';
import { better, scoreChampion } from './champion-evaluation';

function metricOf(job: JobRecord, metric: string): number | null {
  const v = (job.result?.metrics as Record<string, number> | undefined)?.[metric];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * Closes a grid search once its last candidate is final: picks the best candidate by the
 * selection metric, records it on the parent run, applies the promotion policy, and moves
 * the grid job to its final state. A compare-and-set on the grid's state makes exactly one
 * process do this, however many workers finish candidates at the same moment.
 */
@Injectable()
export class GridFinalizer {
  private readonly logger = new Logger(GridFinalizer.name);

  constructor(
    private readonly jobs: TrainingJobsStore,
    private readonly runs: RunsService,
    private readonly registry: ModelRegistryStore,
    private readonly champions: ChampionService,
    private readonly data: PriceDataService,
    private readonly transfer: ArtifactTransfer,
  ) {}

  /** `candidateId`: the candidate that just became final (it owns the finalisation if it is the last). */
  async candidateFinished(gridId: string, candidateId: string): Promise<void> {
    const grid = await this.jobs.get(gridId);
    if (!grid || grid.state === 'completed' || grid.state === 'failed') return;
    const children = await this.jobs.children(gridId);
    if (children.some((c) => !FINAL_STATES.includes(c.state))) return;
    const spec = grid.spec as unknown as GridSpec;
    if (grid.state === 'cancelled') {
      if (grid.runId)
        await this.runs.update(grid.runId, { status: 'KILLED', endTime: Date.now() }).catch(() => undefined);
      return;
    }
    const scored = children
      .map((c) => ({ job: c, value: c.state === 'completed' ? metricOf(c, spec.metric) : null }))
      .filter((s) => s.value !== null);
    const best = scored.reduce<(typeof scored)[number] | null>(
      (b, s) => (!b || better(spec.metric, s.value as number, b.value as number) ? s : b),
      null,
    );
    const result: GridResult = {
      best_run_id: best?.job.runId ?? null,
      best_candidate: best?.job.jobId ?? null,
      metric: spec.metric,
      best_value: best?.value ?? null,
      promotion: null,
    };
    const state = best ? 'completed' : 'failed';
    const error = best ? null : 'no candidate completed with a finite selection metric';
    // Claim first, decide, then become final with the decision: a grid never looks completed
    // (REST, SSE) before its promotion decision is recorded, and only one process promotes.
    if (!(await this.jobs.claim(gridId, ['queued', 'running'], candidateId))) return;
    if (best && spec.promote) {
      result.promotion = await this.promote(spec, best.job, best.value as number).catch((err) =>
        this.promotionError(spec, err),
      );
    }
    await this.recordOnParent(grid, result, state);
    if (
      !(await this.jobs.transition(gridId, ['queued', 'running'], state, { progress: 1, result: { ...result }, error }))
    ) {
      this.logger.warn(`grid ${gridId} changed state while it was being finalised (cancelled?)`);
    }
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

  private async promote(spec: GridSpec, best: JobRecord, score: number): Promise<PromotionDecision> {
    const { modelName, policy } = spec.promote as NonNullable<GridSpec['promote']>;
    if (policy === 'never')
      return this.decision(spec, false, "policy 'never': best candidate reported only", score, null, null, null);
    const current = await this.registry.getVersionByAlias(modelName, CHAMPION_ALIAS).catch(() => undefined);
    let championScore: number | null = null;
    if (policy === 'if_better' && current) {
      const candidateSpec = best.spec as unknown as TrainingSpec;
      const dataset = await this.data.load(candidateSpec.dataset);
      championScore = await scoreChampion({
        transfer: this.transfer,
        modelUri: downloadUri(current),
        bars: cleanBars(dataset.bars, { strategy: candidateSpec.cleaning }).bars,
        candidateParams: candidateSpec.params as TrainingParams,
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

  private async recordOnParent(grid: JobRecord, result: GridResult, state: string): Promise<void> {
    if (!grid.runId) return;
    const tags = [
      { key: 'tsflow.grid.best_run_id', value: result.best_run_id ?? '' },
      { key: 'tsflow.grid.metric', value: result.metric },
    ];
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
    await this.runs.update(grid.runId, { status: state === 'completed' ? 'FINISHED' : 'FAILED', endTime: Date.now() });
  }
}
