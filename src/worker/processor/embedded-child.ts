import type { ChildMessage, ParentMessage } from '../../training/jobs/embedded-protocol';
import type { ProcessorJob } from './training.processor';

/**
 * Child process of the embedded queue driver: runs one job through the very same processor
 * function BullMQ's sandbox uses, reporting progress and the outcome over IPC.
 */
function send(msg: ChildMessage): Promise<void> {
  return new Promise((resolve) => (process.send ? process.send(msg, () => resolve()) : resolve()));
}

process.on('disconnect', () => process.exit(1));

process.on('message', async (msg: ParentMessage) => {
  if (msg?.cmd !== 'start') return;
  try {
    const processor = (await import('./training.processor')).default;
    const job: ProcessorJob = { ...msg.job, updateProgress: (value) => send({ cmd: 'progress', value }) };
    const value = await processor(job);
    await send({ cmd: 'completed', value });
  } catch (err) {
    const e = err as Error;
    await send({ cmd: 'failed', error: { name: e?.name ?? 'Error', message: e?.message ?? String(err) } });
  }
  process.exit(0);
});
