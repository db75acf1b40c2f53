import { DailyBar, DataSourceError } from '../core';

type FetchFn = typeof fetch;

interface ChartQuote {
  date: Date;
  open: number | null;
  high: number | null;
  low: number | null;
  close: number | null;
  adjclose?: number | null;
  volume: number | null;
}

/** Unix time → the exchange's calendar date (Yahoo stamps daily bars at the session open). */
function exchangeDate(date: Date, gmtOffsetSeconds: number): string {
  return new Date(date.getTime() + gmtOffsetSeconds * 1000).toISOString().slice(0, 10);
}

function describe(err: unknown): string {
  const e = err as { message?: string; cause?: { message?: string } };
  return [e?.message, e?.cause?.message].filter(Boolean).join(': ') || String(err);
}

/**
 * Daily bars from Yahoo Finance through yahoo-finance2's `chart()` (one HTTP request per
 * call). `fetchImpl` replaces the network: tests and offline installs replay recorded
 * responses through it.
 */
export class YahooPriceSource {
  private client?: { chart: (symbol: string, options: object) => Promise<unknown> };

  constructor(private readonly fetchImpl?: FetchFn) {}

  /** Loaded on first use: the library is large and warns about the Node version at import. */
  private yahoo() {
    if (!this.client) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const YahooFinance = require('yahoo-finance2').default;
      this.client = new YahooFinance({
        ...(this.fetchImpl ? { fetch: this.fetchImpl } : {}),
        suppressNotices: ['yahooSurvey', 'ripHistorical'],
        versionCheck: false,
        validation: { logErrors: false },
      });
    }
    return this.client as NonNullable<typeof this.client>;
  }

  /** Bars with exchange dates in [start, end] (inclusive, `YYYY-MM-DD`). */
  async fetch(ticker: string, start: string, end: string): Promise<DailyBar[]> {
    const range = `${ticker} ${start} → ${end}`;
    // period2 is exclusive at Yahoo: ask for the day after `end`.
    const period2 = new Date(Date.parse(`${end}T00:00:00Z`) + 86_400_000);
    let result: { meta: { gmtoffset?: number }; quotes: ChartQuote[] };
    try {
      result = (await this.yahoo().chart(ticker, { period1: start, period2, interval: '1d' })) as never;
    } catch (err) {
      const text = describe(err);
      const transient = /fetch failed|ECONN|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|socket|network|50\d/i.test(text);
      if (/not found|delisted|no data/i.test(text))
        throw new DataSourceError(`Yahoo Finance has no data for ${range}: ${text}`);
      throw new DataSourceError(`Yahoo Finance request failed for ${range}: ${text}`, transient);
    }
    const offset = result?.meta?.gmtoffset ?? 0;
    const bars = (result?.quotes ?? [])
      .map((q) => ({
        date: exchangeDate(new Date(q.date), offset),
        open: q.open ?? null,
        high: q.high ?? null,
        low: q.low ?? null,
        close: q.close ?? null,
        adjClose: q.adjclose ?? q.close ?? null,
        volume: q.volume ?? null,
      }))
      .filter((b) => b.date >= start && b.date <= end);
    if (bars.length === 0) throw new DataSourceError(`Yahoo Finance returned no daily bars for ${range}.`);
    return bars;
  }
}
