import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Db } from '../src/database/db';
import { openDatabase } from '../src/database/open-database';
import { StatsRefresher } from '../src/database/stats-refresher';
import { createTestDatabase, TEST_POSTGRES_URL, TestDatabase } from './support/postgres';

describe.skipIf(!TEST_POSTGRES_URL)('StatsRefresher (Postgres)', () => {
  let pg: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    pg = await createTestDatabase();
    db = await openDatabase({ type: 'postgres', url: pg.url });
  });
  afterAll(async () => {
    await db?.close();
    await pg?.drop();
  });

  const lastAnalyze = async () =>
    (
      await db.query<{ t: string | null }>("SELECT last_analyze AS t FROM pg_stat_user_tables WHERE relname = 'params'")
    )[0]?.t ?? null;

  it('analyzes once enough rows were written, not before', async () => {
    // Migrations may analyze a table they rebuild (1763800000034 does): only a newer analyze counts.
    const time = (t: unknown) => (t === null ? null : new Date(t as string).getTime());
    const before = await lastAnalyze();
    const refresher = new StatsRefresher(db, ['params'], 100, 0);
    refresher.note(99);
    await new Promise((r) => setTimeout(r, 300));
    expect(time(await lastAnalyze())).toEqual(time(before));
    refresher.note(1);
    const deadline = Date.now() + 10_000;
    const analyzed = async () => time(await lastAnalyze()) !== time(before);
    while (!(await analyzed()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await lastAnalyze()).not.toBeNull();
    expect(await analyzed()).toBe(true);
  });
});
