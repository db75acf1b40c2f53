import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { experimentCases } from './tracking-store/experiments.cases';
import { historyTableCases } from './tracking-store/history-tables.cases';
import type { MakeStore, StoreHandle } from './tracking-store/fixture';
import { loggedModelCases } from './tracking-store/logged-models.cases';
import { metricCases } from './tracking-store/metrics.cases';
import { runCases } from './tracking-store/runs.cases';
import { searchRunCases } from './tracking-store/search-runs.cases';
import { summaryCases } from './tracking-store/summaries.cases';

export {
  makeLinguisticPostgresStore,
  makePostgresStore,
  makeSqliteStore,
  type MakeStore,
  type StoreHandle,
} from './tracking-store/fixture';

/**
 * The TrackingStore contract (src/experiments/tracking.store.ts) as one suite that any
 * implementation/database pair must pass. One store is shared by the cases (each case works in
 * its own experiments); cases that need an empty store make their own with `makeStore`.
 */
export function defineTrackingStoreConformance(name: string, makeStore: MakeStore): void {
  describe(`TrackingStore conformance: ${name}`, () => {
    let handle: StoreHandle | undefined;
    const current = (): StoreHandle => {
      if (!handle) throw new Error('store not opened');
      return handle;
    };

    beforeAll(async () => {
      handle = await makeStore();
    });
    afterAll(async () => {
      await handle?.close();
    });

    it('ping() answers', async () => {
      await expect(current().store.ping()).resolves.toBeUndefined();
    });

    experimentCases(() => current().store, makeStore);
    runCases(current);
    metricCases(() => current().store);
    summaryCases(current);
    historyTableCases(current);
    searchRunCases(() => current().store);
    loggedModelCases(() => current().store);
  });
}
