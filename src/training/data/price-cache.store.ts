import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { Db } from '../../database/db';
import { insertRows } from '../../database/sql-dialect';
import type { DailyBar } from '../core';

export interface SeriesCoverage {
  firstDate: string;
  lastDate: string;
  fetchedAt: number;
}

interface BarRow {
  date: string;
  open: number | null;
  high: number | null;
  low: number | null;
  close: number | null;
  adj_close: number | null;
  volume: number | null;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** Daily bars cached per (ticker, source), with the date range each series covers. */
const REPLACE_SLICE = 5000;

@Injectable()
export class PriceCacheStore {
  constructor(private readonly db: Db) {}

  async coverage(ticker: string, source: string): Promise<SeriesCoverage | undefined> {
    const rows = await this.db.query<{ first_date: string; last_date: string; fetched_at: number }>(
      'SELECT first_date, last_date, fetched_at FROM price_series WHERE ticker = ? AND source = ?',
      [ticker, source],
    );
    return rows[0]
      ? { firstDate: rows[0].first_date, lastDate: rows[0].last_date, fetchedAt: Number(rows[0].fetched_at) }
      : undefined;
  }

  async bars(ticker: string, source: string, start: string, end: string): Promise<DailyBar[]> {
    const rows = await this.db.query<BarRow>(
      'SELECT date, open, high, low, close, adj_close, volume FROM price_bars WHERE ticker = ? AND source = ? AND date >= ? AND date <= ? ORDER BY date',
      [ticker, source, start, end],
    );
    return rows.map((r) => ({
      date: r.date,
      open: num(r.open),
      high: num(r.high),
      low: num(r.low),
      close: num(r.close),
      adjClose: num(r.adj_close),
      volume: num(r.volume),
    }));
  }

  /** Replaces a whole series (an uploaded dataset) in one transaction. */
  async replace(ticker: string, source: string, bars: DailyBar[], from: string, to: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query('DELETE FROM price_bars WHERE ticker = ? AND source = ?', [ticker, source]);
      await tx.query('DELETE FROM price_series WHERE ticker = ? AND source = ?', [ticker, source]);
    });
    // A large upload is written in slices with a turn of the event loop between them (sqlite
    // writes synchronously): other requests keep being answered meanwhile.
    for (let i = 0; i < bars.length; i += REPLACE_SLICE) {
      await this.save(ticker, source, bars.slice(i, i + REPLACE_SLICE), from, to);
      await yieldToLoop();
    }
  }

  /** Every series of a source with its coverage and size. */
  async series(source: string): Promise<(SeriesCoverage & { ticker: string; rows: number })[]> {
    const rows = await this.db.query<{
      ticker: string;
      first_date: string;
      last_date: string;
      fetched_at: number;
      n: number;
    }>(
      `SELECT s.ticker, s.first_date, s.last_date, s.fetched_at, (SELECT COUNT(*) FROM price_bars b WHERE b.ticker = s.ticker AND b.source = s.source) AS n
       FROM price_series s WHERE s.source = ? ORDER BY s.ticker`,
      [source],
    );
    return rows.map((r) => ({
      ticker: r.ticker,
      firstDate: r.first_date,
      lastDate: r.last_date,
      fetchedAt: Number(r.fetched_at),
      rows: Number(r.n),
    }));
  }

  /** Upserts bars and widens the series' coverage to include [from, to]. */
  async save(ticker: string, source: string, bars: DailyBar[], from: string, to: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await insertRows(
        tx,
        'INSERT INTO price_bars (ticker, source, date, open, high, low, close, adj_close, volume)',
        9,
        bars.map((b) => [ticker, source, b.date, b.open, b.high, b.low, b.close, b.adjClose, b.volume]),
        'ON CONFLICT (ticker, source, date) DO UPDATE SET open = excluded.open, high = excluded.high, low = excluded.low, ' +
          'close = excluded.close, adj_close = excluded.adj_close, volume = excluded.volume',
      );
      await tx.query(
        `INSERT INTO price_series (ticker, source, first_date, last_date, fetched_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (ticker, source) DO UPDATE SET
           first_date = CASE WHEN excluded.first_date < price_series.first_date THEN excluded.first_date ELSE price_series.first_date END,
           last_date = CASE WHEN excluded.last_date > price_series.last_date THEN excluded.last_date ELSE price_series.last_date END,
           fetched_at = excluded.fetched_at`,
        [ticker, source, from, to, Date.now()],
      );
    });
  }
}
