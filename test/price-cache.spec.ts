import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/app-config';
import { Db } from '../src/database/db';
import { openDatabase } from '../src/database/open-database';
import { PriceCacheStore } from '../src/training/data/price-cache.store';
import { PriceDataService } from '../src/training/data/price-data.service';
import { YahooPriceSource } from '../src/training/data/yahoo.source';
import { replayFetch } from '../src/training/data/yahoo-replay';

const YAHOO = path.join(__dirname, 'fixtures', 'yahoo');

/** Recorded real Yahoo responses, counting the requests that reach "the network". */
function countingFetch() {
  const replay = replayFetch(YAHOO);
  const calls: string[] = [];
  const fetchImpl = ((input: string | URL | Request, init?: RequestInit) => {
    calls.push(String(input));
    return replay(input, init);
  }) as typeof fetch;
  return { fetchImpl, calls };
}

describe('Yahoo bars are cached per ticker and refreshed incrementally', () => {
  let dir: string;
  let db: Db;
  let service: PriceDataService;
  let calls: string[];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-cache-'));
    db = await openDatabase({ type: 'sqlite', path: path.join(dir, 'c.db') });
    service = new PriceDataService(loadConfig({}, dir), new PriceCacheStore(db));
    const counting = countingFetch();
    calls = counting.calls;
    // The service builds its Yahoo source from config; swap in the counting one.
    (service as unknown as { yahoo: YahooPriceSource }).yahoo = new YahooPriceSource(counting.fetchImpl);
  });
  afterAll(async () => {
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('fetches once, then serves the cached range, then fetches only the missing tail', async () => {
    const first = await service.load({
      ticker: 'MSFT',
      source: 'yahoo',
      start_date: '2021-02-01',
      end_date: '2021-06-30',
    });
    expect(calls).toHaveLength(1);
    expect(first.bars[0].date).toBe('2021-02-01');
    expect(first.bars.at(-1)?.date).toBe('2021-06-30');

    const again = await service.load({
      ticker: 'MSFT',
      source: 'yahoo',
      start_date: '2021-03-01',
      end_date: '2021-06-30',
    });
    expect(calls).toHaveLength(1); // inside the cached range: no request
    expect(again.bars.every((b) => b.date >= '2021-03-01')).toBe(true);

    const longer = await service.load({
      ticker: 'MSFT',
      source: 'yahoo',
      start_date: '2021-02-01',
      end_date: '2022-01-28',
    });
    expect(calls).toHaveLength(2);
    // Only the days after the cached range were asked for: period1 = 2021-07-01 00:00 UTC.
    expect(new URL(calls[1]).searchParams.get('period1')).toBe(String(Date.parse('2021-07-01T00:00:00Z') / 1000));
    expect(longer.bars).toHaveLength(252);
  });

  it('names the ticker and range when Yahoo has no data', async () => {
    await expect(
      service.load({ ticker: 'NOPE', source: 'yahoo', start_date: '2021-02-01', end_date: '2021-03-01' }),
    ).rejects.toThrow(/NOPE.*2021-02-01.*2021-03-01/);
  });
});
