import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { MetricsService } from '../common/metrics/metrics.service';
import { JobQueue } from './jobs/job-queue';
import { JOB_KINDS, JOB_STATES } from './jobs/job.types';
import { TrainingJobsStore } from './jobs/training-jobs.store';

/** Feeds the training gauges of /metrics (job counts by kind and state, queue depth) on scrape. */
@Injectable()
export class TrainingMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly jobs: TrainingJobsStore,
    @Inject(JobQueue) private readonly queue: JobQueue,
  ) {}

  onModuleInit(): void {
    this.metrics.useTrainingSources({ jobCounts: () => this.jobCounts(), queueDepth: () => this.queue.counts() });
  }

  private async jobCounts(): Promise<{ kind: string; state: string; count: number }[]> {
    const counted = new Map((await this.jobs.countByKindAndState()).map((r) => [`${r.kind}/${r.state}`, r.count]));
    return JOB_KINDS.flatMap((kind) =>
      JOB_STATES.map((state) => ({ kind, state, count: counted.get(`${kind}/${state}`) ?? 0 })),
    );
  }
}
