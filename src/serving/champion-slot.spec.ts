import { describe, expect, it } from 'vitest';
import { ChampionEntry, ChampionSlot } from './champion-slot';

class FakeModel {
  disposed = 0;
  constructor(readonly name: string) {}
  dispose(): void {
    this.disposed++;
  }
}

const entry = (version: string): ChampionEntry<FakeModel> => ({
  model: new FakeModel(`v${version}`),
  version,
  runId: null,
  loadedAt: Date.now(),
});

describe('ChampionSlot', () => {
  it('serves nothing until the first swap', () => {
    const slot = new ChampionSlot<FakeModel>();
    expect(slot.entry).toBeNull();
    expect(slot.acquire()).toBeNull();
  });

  it('an idle previous entry is disposed at once on swap', () => {
    const slot = new ChampionSlot<FakeModel>();
    const v1 = entry('1');
    slot.swap(v1);
    expect(slot.swap(entry('2'))).toBe(v1);
    expect(v1.model.disposed).toBe(1);
    expect(slot.entry?.version).toBe('2');
    expect(slot.draining).toBe(0);
  });

  it('a leased entry survives the swap and is disposed when its last lease is released', () => {
    const slot = new ChampionSlot<FakeModel>();
    const v1 = entry('1');
    slot.swap(v1);
    const a = slot.acquire()!;
    const b = slot.acquire()!;
    slot.swap(entry('2'));
    // New requests get the new entry at once; old leases keep theirs.
    expect(slot.acquire()?.entry.version).toBe('2');
    expect(a.entry.version).toBe('1');
    expect(v1.model.disposed).toBe(0);
    expect(slot.draining).toBe(1);
    a.release();
    a.release(); // idempotent: must not release b's hold
    expect(v1.model.disposed).toBe(0);
    b.release();
    expect(v1.model.disposed).toBe(1);
    expect(slot.draining).toBe(0);
  });

  it('several swaps while requests are in flight dispose every retired entry exactly once', () => {
    const slot = new ChampionSlot<FakeModel>();
    const entries = ['1', '2', '3', '4'].map(entry);
    const leases = entries.map((e) => {
      slot.swap(e);
      return slot.acquire()!;
    });
    slot.swap(null);
    expect(slot.entry).toBeNull();
    expect(slot.draining).toBe(4);
    leases.reverse().forEach((l) => l.release());
    expect(entries.map((e) => e.model.disposed)).toEqual([1, 1, 1, 1]);
  });

  it('use() holds a lease across awaits and releases it on failure too', async () => {
    const slot = new ChampionSlot<FakeModel>();
    const v1 = entry('1');
    slot.swap(v1);
    let resume!: () => void;
    const pending = slot.use(async (e) => {
      await new Promise<void>((r) => (resume = r));
      return e.model.disposed;
    });
    slot.swap(entry('2'));
    resume();
    expect(await pending).toBe(0); // still alive while used
    expect(v1.model.disposed).toBe(1);
    await expect(slot.use(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(slot.inFlight).toBe(0);
  });

  it('a failing dispose is reported and does not break the swap', () => {
    const errors: unknown[] = [];
    const slot = new ChampionSlot<{ dispose(): void }>((err) => errors.push(err));
    slot.swap({
      model: {
        dispose: () => {
          throw new Error('gone');
        },
      },
      version: '1',
      runId: null,
      loadedAt: 0,
    });
    slot.swap({ model: { dispose: () => undefined }, version: '2', runId: null, loadedAt: 0 });
    expect(errors).toHaveLength(1);
    expect(slot.entry?.version).toBe('2');
  });
});
