import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { panelCsv, seriesChampion } from './support/series-champion';
import { http, startServer, TestServer } from './support/server';
import { logModelRun, promote, removeTinyModels, trainTinyModel } from './support/serving';

describe("the champion's panel: series ids and recent histories for the UI", () => {
  let server: TestServer;
  const get = (p: string) => http(server.url, 'GET', p);
  const SERIES = '/api/v1/models/panel-model/champion/series';
  const HISTORY = '/api/v1/models/panel-model/champion/history';

  beforeAll(async () => {
    server = await startServer();
    await seriesChampion(server.url, { name: 'panel', csv: panelCsv(30, 100), model: 'panel-model' });
  }, 60_000);
  afterAll(async () => {
    removeTinyModels();
    await server?.close();
  });

  it('lists the series the champion forecasts, filtered and capped, with its frequency and periods', async () => {
    const all = await get(SERIES);
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({
      model: { name: 'panel-model', version: '1' },
      kind: 'series',
      family: 'theta',
      frequency: 'D',
      horizon: 14,
      known_inputs: [],
      series_count: 30,
      matched: 30,
    });
    expect(all.body.seasonal_periods[0]).toBe(7);
    expect(all.body.series[0]).toEqual({ id: 'store-0', length: 100, last: '2024-04-09' });
    const some = await get(`${SERIES}?filter=STORE-1&max_results=3`);
    expect(some.body.matched).toBe(11); // store-1 and store-10..19
    expect(some.body.series.map((s: { id: string }) => s.id)).toEqual(['store-1', 'store-10', 'store-11']);
  });

  it("returns a series' last steps, ending where its forecast starts", async () => {
    const h = await get(`${HISTORY}?series_id=store-3&last=21`);
    expect(h.status).toBe(200);
    expect(h.body).toMatchObject({ series_id: 'store-3', length: 100, frequency: 'D' });
    expect(h.body.timestamps).toHaveLength(21);
    expect(h.body.values).toHaveLength(21);
    expect(h.body.timestamps.at(-1)).toBe('2024-04-09');
    const f = await http(server.url, 'POST', '/predict', { model: 'panel-model', series_id: 'store-3', horizon: 2 });
    expect(f.body.timestamps[0]).toBe('2024-04-10');
  });

  it('bad input is a 4xx naming the problem', async () => {
    const cases: [string, number, RegExp][] = [
      [HISTORY, 400, /Give 'series_id'/],
      [`${HISTORY}?series_id=store-99`, 400, /Unknown series_id 'store-99'/],
      [`${HISTORY}?series_id=a&series_id=b`, 400, /'series_id' must be given once/],
      [`${HISTORY}?series_id=store-1&last=0`, 400, /'last'/],
      [`${SERIES}?max_results=100000`, 400, /'max_results'/],
      ['/api/v1/models/nope/champion/series', 404, /nope/],
    ];
    for (const [p, status, message] of cases) {
      const res = await get(p);
      expect(res.status, p).toBe(status);
      expect(res.body.message, p).toMatch(message);
    }
  });

  it('a price forecaster answers with its kind and no series; asking its history is a 400', async () => {
    const tiny = await trainTinyModel();
    await promote(server.url, 'price-model', await logModelRun(server.url, tiny.dir), true);
    const p = await get('/api/v1/models/price-model/champion/series');
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ kind: 'prices', series_count: 0, series: [] });
    const h = await get('/api/v1/models/price-model/champion/history?series_id=x');
    expect(h.status).toBe(400);
    expect(h.body.message).toMatch(/not a series model/);
  }, 30_000);
});
