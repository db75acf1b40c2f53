import type { WindowInput } from '../training/core';

interface Pending {
  window: WindowInput;
  resolve: (value: number) => void;
  reject: (err: unknown) => void;
}

/** What the batcher needs of a model: one forward pass over several windows. */
export interface BatchPredictor {
  predictBatch(windows: readonly WindowInput[]): number[];
}

/**
 * Coalesces concurrent single-window predictions into one forward pass. A forward pass of 16
 * windows costs about as much as one (the LSTM's per-call overhead dominates), and tfjs runs
 * one pass at a time on the event loop, so under concurrency batching multiplies throughput
 * and cuts queueing latency; alone, a request waits only for the next setImmediate.
 */
export class MicroBatcher {
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(
    private readonly model: BatchPredictor,
    private readonly maxBatch = 64,
  ) {}

  predict(window: WindowInput): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ window, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const batch = this.queue.splice(0, this.maxBatch);
    if (this.queue.length > 0) setImmediate(() => this.flush());
    else this.scheduled = false;
    try {
      const values = this.model.predictBatch(batch.map((p) => p.window));
      batch.forEach((p, i) => p.resolve(values[i]));
    } catch {
      // One bad window must not fail its neighbours: retry each alone.
      for (const p of batch) {
        try {
          p.resolve(this.model.predictBatch([p.window])[0]);
        } catch (err) {
          p.reject(err);
        }
      }
    }
  }
}
