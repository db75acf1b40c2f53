import { describe } from 'vitest';
import { TEST_POSTGRES_URL } from './support/postgres';
import {
  defineTrackingStoreConformance,
  makeLinguisticPostgresStore,
  makePostgresStore,
  makeSqliteStore,
} from './support/tracking-store.conformance';

defineTrackingStoreConformance('SqlTrackingStore on sqlite', () => makeSqliteStore());
// Points move from metric_recent to metrics every 3 written: every history spans both tables.
defineTrackingStoreConformance('SqlTrackingStore on sqlite, moving recent points every 3', () => makeSqliteStore(3));

describe.skipIf(!TEST_POSTGRES_URL)('postgres (TEST_POSTGRES_URL)', () => {
  defineTrackingStoreConformance('SqlTrackingStore on PostgreSQL', () => makePostgresStore());
  defineTrackingStoreConformance(
    'SqlTrackingStore on PostgreSQL with an ICU en-US default collation',
    makeLinguisticPostgresStore,
  );
});
