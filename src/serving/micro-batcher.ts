import type { WindowInput } from '../training/core';

interface Pending<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (err: unknown) => void;
}

/** What the batcher needs of a model: one forward pass over several items (sync or async). */
export interface BatchPredictor<I = WindowInput, O = number> {
  predictBatch(items: readonly I[]): O[] | Promise<O[]>;
}

/**
 * Coalesces concurrent single predictions into one forward pass. A forward pass of 16 items
 * costs about as much as one (per-call overhead dominates small models), so under concurrency
 * batching multiplies throughput and cuts queueing latency; alone, a request waits only for
 * the next setImmediate. At most one pass runs at a time: requests arriving during an async
 * pass (ONNX Runtime runs off the event loop) queue and form the next batch, so the wait is
 * bounded by one pass plus one turn of the event loop.
 */
export class MicroBatcher<I = WindowInput, O = number> {
  private queue: Pending<I, O>[] = [];
  private scheduled = false;
  private running = false;

  constructor(
    private readonly model: BatchPredictor<I, O>,
    private readonly maxBatch = 64,
  ) {}

  /** Requests waiting for a pass (for status and benchmarks). */
  get waiting(): number {
    return this.queue.length;
  }

  predict(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    const batch = this.queue.splice(0, this.maxBatch);
    let out: O[] | Promise<O[]>;
    try {
      out = this.model.predictBatch(batch.map((p) => p.item));
    } catch {
      out = Promise.reject(new Error('batch failed'));
    }
    // A synchronous model (tsflow's forward pass) is answered in this same turn, as before batches could be async.
    if (!(out instanceof Promise)) {
      if (out.length === batch.length) batch.forEach((p, i) => p.resolve((out as O[])[i]));
      else void this.alone(batch);
      this.schedule();
      return;
    }
    this.running = true;
    void out
      .then(
        (values) =>
          values.length === batch.length ? batch.forEach((p, i) => p.resolve(values[i])) : this.alone(batch),
        () => this.alone(batch),
      )
      .finally(() => {
        this.running = false;
        this.schedule();
      });
  }

  /** One bad item must not fail its neighbours: each is retried alone. */
  private async alone(batch: readonly Pending<I, O>[]): Promise<void> {
    for (const p of batch) {
      try {
        p.resolve((await this.model.predictBatch([p.item]))[0]);
      } catch (err) {
        p.reject(err);
      }
    }
  }
}
