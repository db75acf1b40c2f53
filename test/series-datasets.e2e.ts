import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startServer, TestServer } from './support/server';

const DATA = path.join(__dirname, '..', 'data', 'series');
const DATASETS = '/api/v1/training/datasets';
const csv = { 'content-type': 'text/csv' };

describe('series datasets over REST', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.close();
  });
  const put = (name: string, body: string, query = '', headers: Record<string, string> = csv) =>
    http(server.url, 'PUT', `${DATASETS}/${name}${query}`, body, headers);

  it('uploads a long-format panel with a declared mapping and describes it', async () => {
    const body = fs.readFileSync(path.join(DATA, 'store-sales.csv'), 'utf8');
    const res = await put('store-sales', body, '?timestamp=date&series_id=store&target=sales&known=promo');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: 'store-sales',
      kind: 'series',
      format: 'csv',
      rows: 839,
      series_count: 4,
      frequency: 'D',
      seasonal_periods: [7, 365.25],
      first_timestamp: '2024-01-01',
      last_timestamp: '2024-07-28',
      length: { min: 210, max: 210 },
      columns: [
        { name: 'date', role: 'timestamp' },
        { name: 'store', role: 'series_id' },
        { name: 'sales', role: 'target' },
        { name: 'promo', role: 'known' },
      ],
      validation: { gaps: 1, fill: 'ffill', mixed_frequencies: false },
    });
    expect(res.body.missing_share).toBeCloseTo(1 / 840, 6);
    expect(res.body.inferred).toBeUndefined();
    const one = await http(server.url, 'GET', `${DATASETS}/store-sales`);
    expect(one.status).toBe(200);
    expect(one.body.series.map((s: any) => [s.id, s.length, s.missing])).toEqual([
      ['store-1', 210, 0],
      ['store-2', 210, 1],
      ['store-3', 210, 0],
      ['store-4', 210, 0],
    ]);
    const list = await http(server.url, 'GET', DATASETS);
    const listed = list.body.datasets.find((d: any) => d.name === 'store-sales');
    expect(listed).toMatchObject({ kind: 'series', series_count: 4, frequency: 'D' });
    expect(listed.series).toBeUndefined();
  });

  it('infers the mapping of a classic single series, and NDJSON uploads', async () => {
    const res = await put('airline', fs.readFileSync(path.join(DATA, 'airline-passengers.csv'), 'utf8'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ series_count: 1, frequency: 'M', seasonal_periods: [12], length: { min: 144 } });
    expect(res.body.inferred.join('; ')).toMatch(/timestamp: 'Month'.*target: 'Passengers'/);
    const lines = Array.from({ length: 48 }, (_, i) =>
      JSON.stringify({ ts: new Date(Date.UTC(2024, 0, 1, i)).toISOString(), load: 50 + (i % 24), temp: 10 }),
    ).join('\n');
    const nd = await put('load', lines, '?timestamp=ts&target=load&known=temp', {
      'content-type': 'application/x-ndjson',
    });
    expect(nd.status).toBe(200);
    expect(nd.body).toMatchObject({ format: 'ndjson', frequency: 'H', seasonal_periods: [24, 168] });
  });

  it('keeps price uploads in the Yahoo layout working as before, and describes them as series', async () => {
    const lines = fs.readFileSync(path.join(__dirname, '..', 'data', 'MSFT.csv'), 'utf8').split('\n');
    const res = await put('msft-prices', [lines[0], ...lines.slice(-60)].join('\n'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      name: 'msft-prices',
      rows: 60,
      first_date: expect.any(String),
      last_date: '2024-07-26',
    });
    const d = await http(server.url, 'GET', `${DATASETS}/msft-prices`);
    expect(d.body).toMatchObject({ kind: 'prices', frequency: 'B', series_count: 1 });
    expect(d.body.columns.find((c: any) => c.name === 'close').role).toBe('target');
    expect(d.body.columns.find((c: any) => c.name === 'volume').role).toBe('observed');
  });

  it.each([
    [
      'an unknown column in the mapping',
      'date,y\n2024-01-01,1\n2024-01-02,2',
      '?target=sales',
      /Unknown column 'sales'/,
    ],
    ['a duplicate column', 'date,y,y\n2024-01-01,1,2\n2024-01-02,1,2', '', /duplicate column "y"/],
    ['a bad mapping key', 'date,y\n2024-01-01,1', '?frequncy=D', /Unknown mapping parameter\(s\) frequncy/],
    ['a bad fill', 'date,y\n2024-01-01,1', '?fill=bfill', /'fill' must be 'ffill' \(from the past\) or 'none'/],
    ['non-monotonic timestamps', 'date,y\n2024-01-02,1\n2024-01-01,2\n2024-01-03,2', '', /non-monotonic timestamps/],
    [
      'mixed frequencies inside a series',
      'ts,y\n2024-01-01T00:00Z,1\n2024-01-01T01:00Z,1\n2024-01-01T02:00Z,1\n2024-01-02T02:00Z,1\n2024-01-03T02:00Z,1\n2024-01-04T02:00Z,1',
      '',
      /mixed frequencies inside the series/,
    ],
  ])('refuses %s with a 400 naming it, and stores nothing', async (_what, body, query, message) => {
    const res = await put('bad-one', body, query);
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(res.body.message).toMatch(message);
    expect((await http(server.url, 'GET', `${DATASETS}/bad-one`)).status).toBe(404);
  });

  it('keeps the previous version when a replacement upload is refused', async () => {
    const bad = await put('airline', '"Month","Passengers"\n"1949-01",112\n"1949-01",118');
    expect(bad.status).toBe(400);
    expect((await http(server.url, 'GET', `${DATASETS}/airline`)).body.length.min).toBe(144);
  });
});
