/** Anything a slot can hold: it owns resources that must be freed exactly once. */
export interface Disposable {
  dispose(): void;
}

/** One loaded champion: the model and the registry facts it was loaded from. */
export interface ChampionEntry<T extends Disposable> {
  readonly model: T;
  readonly version: string;
  readonly runId: string | null;
  /** Epoch ms when the model finished loading. */
  readonly loadedAt: number;
}

/** A request's hold on an entry: the entry stays alive until every lease is released. */
export interface Lease<T extends Disposable> {
  readonly entry: ChampionEntry<T>;
  /** Idempotent. */
  release(): void;
}

interface Tracked<T extends Disposable> {
  entry: ChampionEntry<T>;
  inFlight: number;
  retired: boolean;
  disposed: boolean;
}

/**
 * The current champion of one registered model, swapped atomically under live traffic.
 *
 * A request takes a lease (`acquire`) and keeps using the entry it got even if a swap
 * happens meanwhile (date forms await data between lease and forward pass). A swapped-out
 * entry is disposed when its last lease is released, never while a request still uses it,
 * so a swap neither fails a request nor frees a model mid-prediction. Single-threaded JS
 * makes `acquire` and `swap` atomic with respect to each other.
 */
export class ChampionSlot<T extends Disposable> {
  private current: Tracked<T> | null = null;
  private readonly retired = new Set<Tracked<T>>();

  /**
   * `release` frees a retired entry once its last lease is gone: by default its model's
   * `dispose()`; a holder sharing one model between slots counts references there instead.
   */
  constructor(
    private readonly onDisposeError: (err: unknown, entry: ChampionEntry<T>) => void = () => undefined,
    private readonly release: (entry: ChampionEntry<T>) => void = (entry) => entry.model.dispose(),
  ) {}

  /** The entry new requests get, or null when nothing is loaded. */
  get entry(): ChampionEntry<T> | null {
    return this.current?.entry ?? null;
  }

  /** Swapped-out entries still serving requests. */
  get draining(): number {
    return this.retired.size;
  }

  /** Leases held on the current entry (for tests and status). */
  get inFlight(): number {
    return this.current?.inFlight ?? 0;
  }

  acquire(): Lease<T> | null {
    const tracked = this.current;
    if (!tracked) return null;
    tracked.inFlight++;
    let released = false;
    return {
      entry: tracked.entry,
      release: () => {
        if (released) return;
        released = true;
        tracked.inFlight--;
        if (tracked.retired && tracked.inFlight === 0) this.dispose(tracked);
      },
    };
  }

  /** Runs `fn` with a lease on the current entry; undefined when nothing is loaded. */
  async use<R>(fn: (entry: ChampionEntry<T>) => R | Promise<R>): Promise<R | undefined> {
    const lease = this.acquire();
    if (!lease) return undefined;
    try {
      return await fn(lease.entry);
    } finally {
      lease.release();
    }
  }

  /**
   * Makes `next` the entry new requests get (null: serve nothing) and retires the previous
   * one, which is disposed at once if idle, else when its last lease is released.
   */
  swap(next: ChampionEntry<T> | null): ChampionEntry<T> | null {
    const previous = this.current;
    this.current = next ? { entry: next, inFlight: 0, retired: false, disposed: false } : null;
    if (previous) {
      previous.retired = true;
      if (previous.inFlight === 0) this.dispose(previous);
      else this.retired.add(previous);
    }
    return previous?.entry ?? null;
  }

  private dispose(tracked: Tracked<T>): void {
    this.retired.delete(tracked);
    if (tracked.disposed) return;
    tracked.disposed = true;
    try {
      this.release(tracked.entry);
    } catch (err) {
      this.onDisposeError(err, tracked.entry);
    }
  }
}
