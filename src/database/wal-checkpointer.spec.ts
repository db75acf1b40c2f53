import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Db } from './db';
import { openDatabase } from './open-database';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('background WAL checkpoints (sqlite file stores)', () => {
  let db: Db | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await db?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('copy committed pages into the database file off the event loop, while the writer never checkpoints', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-wal-'));
    const file = path.join(dir, 'store.db');
    db = await openDatabase({ type: 'sqlite', path: file });
    const before = fs.statSync(file).size;
    // ~4 MB of rows: far below the writer's own autocheckpoint (BACKSTOP_PAGES), so only the worker can move them.
    await db.transaction(async (tx) => {
      await tx.query('CREATE TABLE wal_probe (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
      for (let i = 0; i < 1000; i++) await tx.run('INSERT INTO wal_probe (body) VALUES (?)', ['x'.repeat(4000)]);
    });
    const deadline = Date.now() + 10_000;
    while (fs.statSync(file).size < before + 4_000_000 && Date.now() < deadline) await sleep(100);
    expect(fs.statSync(file).size).toBeGreaterThan(before + 4_000_000);
    // Still one consistent store for the writer.
    expect(await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM wal_probe')).toEqual([{ n: 1000 }]);
  });
});
