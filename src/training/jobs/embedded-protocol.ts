import type { QueuedJob } from './job.types';

/** Messages between the embedded driver and its child processes (worker/processor/embedded-child). */
export interface ChildJob {
  id: string;
  data: QueuedJob;
  attemptsMade: number;
  opts: { attempts: number };
}

export type ParentMessage = { cmd: 'start'; job: ChildJob };

export type ChildMessage =
  | { cmd: 'progress'; value: unknown }
  | { cmd: 'completed'; value: unknown }
  | { cmd: 'failed'; error: { name: string; message: string } };
