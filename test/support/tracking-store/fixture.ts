import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { expect } from 'vitest';
import { ErrorCode, MlflowError } from '../../../src/common/mlflow-error';
import { decodePageToken } from '../../../src/common/search';
import type { Db } from '../../../src/database/db';
import { openDatabase } from '../../../src/database/open-database';
import { SqlTrackingStore } from '../../../src/experiments/store/sql-tracking.store';
import type { CreateRunInput, TrackingStore } from '../../../src/experiments/tracking.store';
import type { KeyValue, Metric, Page } from '../../../src/experiments/tracking.types';
import { createTestDatabase, TEST_POSTGRES_URL, type TestDatabase } from '../postgres';

/** One store under test plus its raw connection (for invariants the contract cannot observe). */
export interface StoreHandle {
  store: TrackingStore;
  db: Db;
  close(): Promise<void>;
}

export type MakeStore = () => Promise<StoreHandle>;

/**
 * A SqlTrackingStore on a fresh sqlite file in a temp directory. `compactRows`: points per run
 * kept in `metric_recent` before they move to `metrics` (small: every history spans both tables).
 */
export async function makeSqliteStore(compactRows?: number): Promise<StoreHandle> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-store-'));
  const db = await openDatabase({ type: 'sqlite', path: path.join(dir, 'store.db') });
  return {
    store: new SqlTrackingStore(db, compactRows),
    db,
    async close() {
      await db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A SqlTrackingStore on a freshly created Postgres database, dropped on close. */
export async function makePostgresStore(): Promise<StoreHandle> {
  return postgresStore(await createTestDatabase('tsflow_store'));
}

/**
 * Same, on a database whose default collation is linguistic (ICU en-US: `a < A < b < B`), as
 * most production clusters are. The test server's own default is C.UTF-8, which would hide a
 * missing byte-order collation in ORDER BY.
 */
export async function makeLinguisticPostgresStore(): Promise<StoreHandle> {
  if (!TEST_POSTGRES_URL) throw new Error('TEST_POSTGRES_URL is not set');
  const name = `tsflow_store_icu_${Date.now().toString(36)}_${randomUUID().slice(0, 6)}`;
  await adminQuery(
    `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`,
  );
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return postgresStore({ url: url.toString(), drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) });
}

async function adminQuery(sql: string): Promise<void> {
  const admin = new Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

async function postgresStore(pg: TestDatabase): Promise<StoreHandle> {
  const db = await openDatabase({ type: 'postgres', url: pg.url }).catch(async (err) => {
    await pg.drop();
    throw err;
  });
  return {
    store: new SqlTrackingStore(db),
    db,
    async close() {
      await db.close();
      await pg.drop();
    },
  };
}

export const ROOT = 'mlflow-artifacts:';

let counter = 0;
/** Names unique within and across suites; only [A-Za-z0-9-] so they are safe inside LIKE patterns. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${(++counter).toString(36)}-${randomUUID().slice(0, 6)}`;
}

export const newRunId = (): string => randomUUID().replace(/-/g, '');

export async function newExperiment(store: TrackingStore, prefix = 'exp', tags: KeyValue[] = []): Promise<string> {
  return store.createExperiment({ name: uniqueName(prefix), tags }, ROOT);
}

export async function newRun(
  store: TrackingStore,
  experimentId: string,
  over: Partial<CreateRunInput> = {},
): Promise<string> {
  const runId = over.runId ?? newRunId();
  await store.createRun({
    runId,
    experimentId,
    userId: 'tester',
    runName: `run-${runId.slice(0, 6)}`,
    startTime: Date.now(),
    tags: [],
    artifactUri: `${ROOT}/${experimentId}/${runId}/artifacts`,
    ...over,
  });
  return runId;
}

export const metric = (key: string, value: number, timestamp: number, step = 0): Metric => ({
  key,
  value,
  timestamp,
  step,
});

/** Awaits `p` and asserts it rejects with an MlflowError of `code`; returns the error. */
export async function expectMlflowError(p: Promise<unknown>, code: ErrorCode): Promise<MlflowError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'expected an MlflowError').toBeInstanceOf(MlflowError);
  expect((err as MlflowError).code).toBe(code);
  return err as MlflowError;
}

/** Follows next_page_token until the end; returns every page. */
export async function allPages<T>(
  first: (token?: ReturnType<typeof decodePageToken>) => Promise<Page<T>>,
): Promise<T[][]> {
  const pages: T[][] = [];
  let token: string | undefined;
  do {
    const page = await first(decodePageToken(token));
    pages.push(page.items);
    token = page.nextPageToken;
  } while (token && pages.length < 100);
  return pages;
}

export const sortedKv = (kvs: KeyValue[]): KeyValue[] =>
  [...kvs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
