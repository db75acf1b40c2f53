import { JobQueue } from '../jobs/job-queue';
import type { QueuedJob } from '../jobs/job.types';
import { TrainingExecutor } from './training.executor';

/**
 * Runs each job to completion inside `add()`, in this process: the command-line `tsflow
 * train`, where the caller waits for the result anyway. Same executor, same tracking, one
 * attempt (the lifecycle records its failure as final).
 */
export class InlineJobQueue extends JobQueue {
  readonly driver = 'embedded' as const;
  private active = 0;

  constructor(private readonly executor: TrainingExecutor) {
    super();
  }

  async assertAvailable(): Promise<void> {}

  async add(jobs: QueuedJob[]): Promise<void> {
    for (const job of jobs) {
      this.active++;
      try {
        await this.executor.execute(job, { number: 1, max: 1, progress: () => undefined });
      } finally {
        this.active--;
      }
      this.settled(job.jobId);
    }
  }

  async parallelism(): Promise<number> {
    return 1;
  }

  async remove(): Promise<void> {}

  async missing(): Promise<string[]> {
    return [];
  }

  async counts(): Promise<{ waiting: number; active: number }> {
    return { waiting: 0, active: this.active };
  }

  async close(): Promise<void> {}
}
