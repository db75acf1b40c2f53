import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Db, SqlRunner } from './db';
import { openDatabase } from './open-database';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-db-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// A file database (WAL, checkpointed from a worker thread) and `:memory:`: same behaviour.
describe.each([
  ['file', () => path.join(dir, `db-${Math.random().toString(36).slice(2)}.sqlite`)],
  ['memory', () => ':memory:'],
])('SqliteDb, %s', (_name, file) => {
  let db: Db;
  beforeAll(async () => {
    db = await openDatabase({ type: 'sqlite', path: file() });
    await db.run('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL, b BLOB)');
  });
  afterAll(() => db.close());
  afterEach(() => db.run('DELETE FROM t'));

  it('reads, writes and counts changed rows; blobs come back as Buffers', async () => {
    expect(await db.run('INSERT INTO t (k, v, b) VALUES (?, ?, ?)', ['a', 1, Buffer.from([1, 2, 3])])).toBe(1);
    expect(await db.run('UPDATE t SET v = v + 1 WHERE k = ?', ['nope'])).toBe(0);
    const [row] = await db.query<{ k: string; v: number; b: Buffer }>('SELECT k, v, b FROM t');
    expect(row.k).toBe('a');
    expect(Buffer.isBuffer(row.b)).toBe(true);
    expect(row.b.readUInt8(2)).toBe(3);
    expect(await (db as SqlRunner).queryArrays!('SELECT k, v FROM t', [])).toEqual([['a', 1]]);
  });

  it('errors keep sqlite’s code and message', async () => {
    await db.run('INSERT INTO t (k, v) VALUES (?, ?)', ['a', 1]);
    const err = await db.run('INSERT INTO t (k, v) VALUES (?, ?)', ['a', 2]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as { code: string }).code).toBe('SQLITE_CONSTRAINT_PRIMARYKEY');
    expect((await db.query('SELECT 1 AS x'))[0]).toEqual({ x: 1 });
  });

  it('concurrent transactions commit together; a failing one rolls back alone and rejects alone', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        db.transaction(async (tx) => {
          await tx.run('INSERT INTO t (k, v) VALUES (?, ?)', [`k${i}`, i]);
          const rows = await tx.query<{ v: number }>('SELECT v FROM t WHERE k = ?', [`k${i}`]);
          if (i % 7 === 3) throw new Error(`refused ${i}`);
          // A statement error inside a transaction: the caller sees it, the others are unaffected.
          if (i % 7 === 5) await tx.run('INSERT INTO t (k, v) VALUES (?, NULL)', [`bad${i}`]);
          await tx.runMany!('INSERT INTO t (k, v) VALUES (?, ?)', [
            [`m${i}a`, i],
            [`m${i}b`, i],
          ]);
          return rows[0].v;
        }),
      ),
    );
    results.forEach((r, i) => {
      if (i % 7 === 3 || i % 7 === 5) expect(r.status).toBe('rejected');
      else expect(r).toEqual({ status: 'fulfilled', value: i });
    });
    if ((results[5] as PromiseRejectedResult).reason)
      expect(String((results[5] as PromiseRejectedResult).reason)).toMatch(/NOT NULL/);
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const [{ n }] = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM t');
    expect(n).toBe(ok * 3);
    const [{ bad }] = await db.query<{ bad: number }>("SELECT COUNT(*) AS bad FROM t WHERE k LIKE 'bad%'");
    expect(bad).toBe(0);
  });

  it('a transaction that throws before any statement leaves the next group working', async () => {
    await expect(db.transaction(() => Promise.reject(new Error('early')))).rejects.toThrow('early');
    expect(await db.transaction((tx) => tx.run('INSERT INTO t (k, v) VALUES (?, ?)', ['after', 1]))).toBe(1);
    expect(await db.query('SELECT k FROM t')).toEqual([{ k: 'after' }]);
  });

  it('statements outside transactions wait for an open group (never run inside it)', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const tx = db.transaction(async (t) => {
      await t.run('INSERT INTO t (k, v) VALUES (?, ?)', ['in-tx', 1]);
      await gate;
      throw new Error('rolled back');
    });
    const read = db.query<{ k: string }>('SELECT k FROM t');
    release();
    await expect(tx).rejects.toThrow('rolled back');
    expect(await read).toEqual([]);
  });
});
