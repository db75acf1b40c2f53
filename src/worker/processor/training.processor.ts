import { ExecutionOutcome, TrainingExecutor } from '../../training/execution/training.executor';
import type { QueuedJob } from '../../training/jobs/job.types';
import { attemptNumber } from '../../training/jobs/retry.policy';
import { workerContext } from './worker-context';

// A sandbox whose worker died (SIGKILL) must not go on training an orphaned job: the job
// is recovered by another worker through stalled-job handling.
process.on('disconnect', () => process.exit(1));

/** What the processor reads of a job: the part of BullMQ's SandboxedJob the embedded driver provides too. */
export interface ProcessorJob {
  data: QueuedJob;
  attemptsMade: number;
  /** BullMQ: starts so far, this one included (stalled starts count); absent in the embedded driver. */
  attemptsStarted?: number;
  opts: { attempts?: number };
  updateProgress(value: number): Promise<void>;
}

/**
 * The job processor, run in a separate process: by BullMQ's sandbox (worker processes) and by
 * the embedded driver's child processes alike.
 */
export default async function trainingProcessor(job: ProcessorJob): Promise<ExecutionOutcome> {
  const ctx = await workerContext();
  return ctx.get(TrainingExecutor).execute(job.data, {
    number: attemptNumber(job),
    max: job.opts.attempts ?? 1,
    progress: (value) => job.updateProgress(Math.round(value * 1000) / 1000),
  });
}
