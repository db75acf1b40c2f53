import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startServer, TestServer } from './support/server';
import { logModelRun, msftBars, promote, removeTinyModels, TinyModel, trainTinyModel } from './support/serving';

/** Float32 forward passes: the server and the test compute the same numbers from the same files. */
const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(1e-3 * Math.max(1, Math.abs(b)));

describe('champion serving: /predict, /invocations, /ping', () => {
  let server: TestServer;
  let tiny: TinyModel;
  let runId: string;
  const bars = msftBars('2023-06-01');
  const closes = (from: string, count: number) => {
    const found = bars.findIndex((b) => b.date >= from);
    const i = found === -1 ? bars.length : found; // a date after the data: the latest bars
    return bars.slice(i - count, i).map((b) => b.close);
  };
  const predict = (body: unknown) => http(server.url, 'POST', '/predict', body);
  const invocations = (body: unknown, headers?: Record<string, string>) =>
    http(server.url, 'POST', '/invocations', body, headers);
  /** The server's forecast for `values` must equal a recursive forecast with the same model here. */
  const expected = (values: number[], steps: number) => tiny.predictor.forecast(values, steps);

  beforeAll(async () => {
    tiny = await trainTinyModel({ seed: 7 });
    server = await startServer({ env: { TSFLOW_DEFAULT_MODEL: 'msft', TSFLOW_MAX_HORIZON: '10' } });
    runId = await logModelRun(server.url, tiny.dir);
    expect(await promote(server.url, 'msft', runId)).toBe('1');
  });

  afterAll(async () => {
    tiny?.predictor.dispose();
    await server?.close();
    removeTinyModels();
  });

  it('values: the next value from the last seq_length prices, with the model identity', async () => {
    const values = closes('2024-07-01', 5);
    const r = await predict({ values });
    expect(r.status, r.text).toBe(200);
    expect(r.body.model).toEqual({
      name: 'msft',
      version: '1',
      run_id: runId,
      backend: 'fused-wasm-simd', // serving runs every model on the fused forward pass
    });
    expect(r.body.predictions).toHaveLength(1);
    close(r.body.predictions[0], expected(values, 1)[0]);
    // A longer history is fine: the latest seq_length values are used.
    const longer = await predict({ values: [1, 2, 3, ...values] });
    expect(longer.body.predictions).toEqual(r.body.predictions);
  });

  it('values with horizon h: a recursive h-step forecast', async () => {
    const values = closes('2024-07-01', 5);
    const r = await predict({ values, horizon: 4 });
    expect(r.status, r.text).toBe(200);
    expect(r.body.predictions).toHaveLength(4);
    expected(values, 4).forEach((v, i) => close(r.body.predictions[i], v));
  });

  it('start_date/end_date: a rolling one-step forecast for every trading day, actuals beside', async () => {
    const r = await predict({ ticker: 'MSFT', start_date: '2024-06-15', end_date: '2024-06-30' });
    expect(r.status, r.text).toBe(200);
    const days = bars.filter((b) => b.date >= '2024-06-15' && b.date <= '2024-06-30');
    expect(r.body.predictions.map((p: any) => p.date)).toEqual(days.map((b) => b.date));
    expect(r.body.predictions.map((p: any) => p.actual)).toEqual(days.map((b) => b.close));
    for (const p of r.body.predictions) close(p.predicted, expected(closes(p.date, 5), 1)[0]);
  });

  it('a range with horizon h: each day is the h-th step of a forecast from h days earlier', async () => {
    const r = await predict({ start_date: '2024-06-24', end_date: '2024-06-28', horizon: 3 });
    expect(r.status, r.text).toBe(200);
    expect(r.body.predictions).toHaveLength(5);
    for (const p of r.body.predictions) {
      const i = bars.findIndex((b) => b.date === p.date);
      const history = bars.slice(i - 3 - 5 + 1, i - 3 + 1).map((b) => b.close);
      close(p.predicted, expected(history, 3)[2]);
      expect(p.actual).toBe(bars[i].close);
    }
  });

  it('ticker and source in the body override the training dataset', async () => {
    const r = await predict({ ticker: 'AAPL', source: 'sample', start_date: '2020-12-07', end_date: '2020-12-11' });
    expect(r.status, r.text).toBe(200);
    expect(r.body.predictions.map((p: any) => p.date)).toEqual([
      '2020-12-07',
      '2020-12-08',
      '2020-12-09',
      '2020-12-10',
      '2020-12-11',
    ]);
    expect(r.body.predictions[4].actual).toBe(122.410004);
  });

  it('date: the forecast for that day from the history before it; with horizon, the following sessions', async () => {
    const one = await predict({ date: '2024-06-28' });
    expect(one.status, one.text).toBe(200);
    expect(one.body.predictions).toHaveLength(1);
    expect(one.body.predictions[0]).toMatchObject({
      date: '2024-06-28',
      actual: bars.find((b) => b.date === '2024-06-28')!.close,
    });
    close(one.body.predictions[0].predicted, expected(closes('2024-06-28', 5), 1)[0]);

    const three = await predict({ date: '2024-06-18', horizon: 3 });
    expect(three.body.predictions.map((p: any) => p.date)).toEqual(['2024-06-18', '2024-06-20', '2024-06-21']); // 06-19 was a holiday
    expected(closes('2024-06-18', 5), 3).forEach((v, i) => close(three.body.predictions[i].predicted, v));
  });

  it('date: the session after the last bar is forecast without an actual, and further steps get weekdays', async () => {
    const r = await predict({ date: '2024-07-29', horizon: 3 }); // the data ends on Friday 2024-07-26
    expect(r.status, r.text).toBe(200);
    expect(r.body.predictions.map((p: any) => p.date)).toEqual(['2024-07-29', '2024-07-30', '2024-07-31']);
    expect(r.body.predictions.every((p: any) => !('actual' in p))).toBe(true);
    expected(closes('2099-01-01', 5), 3).forEach((v, i) => close(r.body.predictions[i].predicted, v));
  });

  it('`model` in the body selects another registered model', async () => {
    expect(await promote(server.url, 'other', runId)).toBe('1');
    const r = await predict({ model: 'other', values: closes('2024-07-01', 5) });
    expect(r.status, r.text).toBe(200);
    expect(r.body.model).toMatchObject({ name: 'other', version: '1', run_id: runId });
  });

  describe('/invocations (MLflow scoring protocol)', () => {
    const w1 = () => closes('2024-07-01', 5);
    const w2 = () => closes('2024-06-03', 5);

    it('inputs: one window, or a batch of windows', async () => {
      const one = await invocations({ inputs: w1() });
      expect(one.status, one.text).toBe(200);
      expect(one.body.predictions).toHaveLength(1);
      close(one.body.predictions[0], expected(w1(), 1)[0]);
      const batch = await invocations({ inputs: [w1(), w2()] });
      expect(batch.body.predictions).toHaveLength(2);
      close(batch.body.predictions[1], expected(w2(), 1)[0]);
      // The saved input example's shape: [1, seq_length, n_features].
      const tensor = await invocations({ inputs: [w2().map((v) => [v])] });
      close(tensor.body.predictions[0], expected(w2(), 1)[0]);
      const named = await invocations({ inputs: { closes: [w1()] } });
      close(named.body.predictions[0], expected(w1(), 1)[0]);
    });

    it('instances, dataframe_split, dataframe_records and CSV', async () => {
      const inst = await invocations({ instances: [w1()] });
      close(inst.body.predictions[0], expected(w1(), 1)[0]);
      const split = await invocations({
        dataframe_split: { columns: ['date', 'close'], data: w2().map((v, i) => [`d${i}`, v]) },
      });
      expect(split.status, split.text).toBe(200);
      close(split.body.predictions[0], expected(w2(), 1)[0]);
      const records = await invocations({ dataframe_records: w2().map((close) => ({ close })) });
      close(records.body.predictions[0], expected(w2(), 1)[0]);
      const csv = await invocations(`close\n${w1().join('\n')}\n`, { 'content-type': 'text/csv' });
      expect(csv.status, csv.text).toBe(200);
      close(csv.body.predictions[0], expected(w1(), 1)[0]);
    });

    it('params.horizon gives multi-step forecasts', async () => {
      const frame = await invocations({ dataframe_records: w1().map((close) => ({ close })), params: { horizon: 3 } });
      expect(frame.body.predictions).toHaveLength(3);
      expected(w1(), 3).forEach((v, i) => close(frame.body.predictions[i], v));
      const batch = await invocations({ inputs: [w1(), w2()], params: { horizon: 2 } });
      expect(batch.body.predictions).toHaveLength(2);
      expect(batch.body.predictions[1]).toHaveLength(2);
      expected(w2(), 2).forEach((v, i) => close(batch.body.predictions[1][i], v));
    });

    it('?model= selects the model; input errors are MLflow BAD_REQUEST; other media types 415', async () => {
      const other = await http(server.url, 'POST', '/invocations?model=other', { inputs: w1() });
      expect(other.status).toBe(200);
      const none = await invocations({ columns: ['close'] });
      expect(none.status).toBe(400);
      expect(none.body.error_code).toBe('BAD_REQUEST');
      expect(none.body.message).toContain(
        "exactly one of the input fields {'dataframe_split', 'dataframe_records', 'instances', 'inputs'}",
      );
      expect(none.body.message).toContain("['columns']");
      const two = await invocations({ inputs: w1(), instances: [w1()] });
      expect(two.status).toBe(400);
      const list = await invocations([w1()]);
      expect(list.status).toBe(400);
      const short = await invocations({ inputs: [1, 2] });
      expect(short.status).toBe(400);
      expect(short.body.message).toMatch(/at least 5/);
      const text = await invocations('hello', { 'content-type': 'text/plain' });
      expect(text.status).toBe(415);
      expect(text.text).toContain(
        "This predictor only supports the following content types: Types: ['text/csv', 'application/json']. Got 'text/plain'.",
      );
      const latin1 = await invocations(JSON.stringify({ inputs: w1() }), {
        'content-type': 'application/json; charset=latin-1',
      });
      expect(latin1.status).toBe(415);
      const utf8 = await invocations(JSON.stringify({ inputs: w1() }), {
        'content-type': 'application/json; charset=UTF-8',
      });
      expect(utf8.status).toBe(200);
    });

    it('GET /ping answers 200 once the champion is loaded', async () => {
      const r = await http(server.url, 'GET', '/ping');
      expect(r.status).toBe(200);
      expect(r.text).toBe('\n');
      expect(r.headers.get('content-type')).toContain('application/json');
      expect((await http(server.url, 'GET', '/ping?model=nope')).status).toBe(404);
    });
  });

  it('GET /api/v1/serving/models reports what is served; /health says OK', async () => {
    const r = await http(server.url, 'GET', '/api/v1/serving/models');
    expect(r.status).toBe(200);
    const msft = r.body.models.find((m: any) => m.name === 'msft');
    expect(msft).toMatchObject({ status: 'ready', version: '1', run_id: runId, draining: 0, last_failure: null });
    expect(msft.loaded_at).toBeGreaterThan(0);
    const health = await http(server.url, 'GET', '/health');
    expect(health.text).toBe('OK');
  });
});
