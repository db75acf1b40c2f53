import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startServer, TestServer } from './support/server';
import { logModelRun, promote, removeTinyModels, TinyModel, trainTinyModel, waitFor } from './support/serving';

describe('/predict and /invocations reject bad input with clear 4xx/503 answers', () => {
  let server: TestServer;
  let tiny: TinyModel;
  const values = [410, 412, 409, 415, 418];
  const predict = (body: unknown) => http(server.url, 'POST', '/predict', body);

  async function expectError(
    res: Promise<{ status: number; body: any; text: string }>,
    status: number,
    code: string,
    message: RegExp,
  ) {
    const r = await res;
    expect(r.status, r.text).toBe(status);
    expect(r.body.error_code).toBe(code);
    expect(r.body.message).toMatch(message);
  }

  beforeAll(async () => {
    tiny = await trainTinyModel({ seed: 11 });
    server = await startServer({ env: { TSFLOW_DEFAULT_MODEL: 'm', TSFLOW_MAX_HORIZON: '10' } });
  });

  afterAll(async () => {
    tiny?.predictor.dispose();
    await server?.close();
    removeTinyModels();
  });

  it('unknown model: 404; a model without champion: 503 that says how to fix it', async () => {
    await expectError(predict({ values }), 404, 'RESOURCE_DOES_NOT_EXIST', /Registered Model with name=m not found/);
    await expectError(predict({ model: 'nope', values }), 404, 'RESOURCE_DOES_NOT_EXIST', /name=nope not found/);
    expect((await http(server.url, 'POST', '/api/2.0/mlflow/registered-models/create', { name: 'm' })).status).toBe(
      200,
    );
    await expectError(
      predict({ values }),
      503,
      'TEMPORARILY_UNAVAILABLE',
      /'m' has no champion yet: promote a version with POST \/api\/v1\/models\/m\/champion/,
    );
    await expectError(
      http(server.url, 'POST', '/invocations', { inputs: values }),
      503,
      'TEMPORARILY_UNAVAILABLE',
      /no champion yet/,
    );
    expect((await http(server.url, 'GET', '/ping')).status).toBe(404);
    // Unknown names must not accumulate in the serving state.
    const served = await http(server.url, 'GET', '/api/v1/serving/models');
    expect(served.body.models.map((x: any) => x.name)).toEqual(['m']);
  });

  it('after promotion the same request works (the holder does not cache "no champion" for long)', async () => {
    await promote(server.url, 'm', await logModelRun(server.url, tiny.dir));
    await waitFor(async () => (await predict({ values })).status === 200, 'the champion');
    expect((await http(server.url, 'GET', '/ping')).status).toBe(200);
  });

  it('values: NaN, strings, nulls, too few values, not a list', async () => {
    await expectError(
      http(server.url, 'POST', '/predict', '{"values": [1, 2, NaN, 4, 5]}'),
      400,
      'BAD_REQUEST',
      /Malformed JSON/,
    );
    await expectError(
      http(server.url, 'POST', '/predict', '{"values": [1, 2, 1e999, 4, 5]}'),
      400,
      'INVALID_PARAMETER_VALUE',
      /values\[2\] must be a finite number, got Infinity/,
    );
    await expectError(
      predict({ values: [1, 2, 'abc', 4, 5] }),
      400,
      'INVALID_PARAMETER_VALUE',
      /values\[2\] must be a finite number, got the string "abc"/,
    );
    await expectError(predict({ values: [1, 2, '3', 4, 5] }), 400, 'INVALID_PARAMETER_VALUE', /values\[2\]/);
    await expectError(
      predict({ values: [1, null, 3, 4, 5] }),
      400,
      'INVALID_PARAMETER_VALUE',
      /values\[1\] must be a finite number, got null/,
    );
    await expectError(
      predict({ values: [1, 2, 3] }),
      400,
      'INVALID_PARAMETER_VALUE',
      /'values' needs at least 5 values \(the seq_length of model 'm' version 1\), got 3/,
    );
    await expectError(predict({ values: [] }), 400, 'INVALID_PARAMETER_VALUE', /at least 5 values/);
    await expectError(predict({ values: '1,2,3,4,5' }), 400, 'INVALID_PARAMETER_VALUE', /must be a list of numbers/);
    await expectError(
      predict({ values: [[1, 2], 2, 3, 4, 5] }),
      400,
      'INVALID_PARAMETER_VALUE',
      /values\[0\] must be a finite number, got a list/,
    );
  });

  it('horizon: 0, negative, fractional, text or above TSFLOW_MAX_HORIZON', async () => {
    for (const horizon of [0, -1, 11, 1000]) {
      await expectError(
        predict({ values, horizon }),
        400,
        'INVALID_PARAMETER_VALUE',
        /'horizon' must be an integer from 1 to 10 \(TSFLOW_MAX_HORIZON\)/,
      );
    }
    await expectError(predict({ values, horizon: 1.5 }), 400, 'INVALID_PARAMETER_VALUE', /horizon/);
    await expectError(predict({ values, horizon: 'two' }), 400, 'INVALID_PARAMETER_VALUE', /horizon/);
    await expectError(predict({ date: '2024-06-28', horizon: 0 }), 400, 'INVALID_PARAMETER_VALUE', /horizon/);
    await expectError(
      http(server.url, 'POST', '/invocations', { inputs: values, params: { horizon: 11 } }),
      400,
      'BAD_REQUEST',
      /params\.horizon must be an integer from 1 to 10/,
    );
    expect((await predict({ values, horizon: 10 })).status).toBe(200);
  });

  it('forms: none, several, half a range', async () => {
    await expectError(predict({}), 400, 'INVALID_PARAMETER_VALUE', /Give exactly one input: 'values'.*got none/);
    await expectError(predict({ values, date: '2024-06-28' }), 400, 'INVALID_PARAMETER_VALUE', /got values and date/);
    await expectError(
      predict({ start_date: '2024-06-01' }),
      400,
      'INVALID_PARAMETER_VALUE',
      /needs both 'start_date' and 'end_date'/,
    );
  });

  it('dates: malformed, reversed, out of range, no trading that day, beyond the data, too early for a window', async () => {
    await expectError(
      predict({ date: '2024-13-01' }),
      400,
      'INVALID_PARAMETER_VALUE',
      /'date' must be a date YYYY-MM-DD/,
    );
    await expectError(predict({ date: 'yesterday' }), 400, 'INVALID_PARAMETER_VALUE', /'date' must be a date/);
    await expectError(
      predict({ start_date: '2024-06-30', end_date: '2024-06-01' }),
      400,
      'INVALID_PARAMETER_VALUE',
      /Empty range/,
    );
    await expectError(
      predict({ start_date: '1970-01-01', end_date: '1970-12-31' }),
      400,
      'INVALID_PARAMETER_VALUE',
      /No daily bars for MSFT \(sample\)/,
    );
    await expectError(
      predict({ start_date: '1900-01-01', end_date: '2024-01-01' }),
      400,
      'INVALID_PARAMETER_VALUE',
      /range is too long/,
    );
    await expectError(
      predict({ start_date: '1986-03-13', end_date: '1986-03-31' }),
      400,
      'INVALID_PARAMETER_VALUE',
      /Not enough history before 1986-03-13: the model needs 5 trading day\(s\)/,
    );
    await expectError(
      predict({ date: '1986-03-14' }),
      400,
      'INVALID_PARAMETER_VALUE',
      /Not enough history before 1986-03-14/,
    );
    await expectError(
      predict({ date: '2024-06-19' }),
      400,
      'INVALID_PARAMETER_VALUE',
      /2024-06-19 is not a trading day .* nearest trading days are 2024-06-18 and 2024-06-20/,
    );
    await expectError(predict({ date: '2024-06-22' }), 400, 'INVALID_PARAMETER_VALUE', /not a trading day/);
    await expectError(
      predict({ date: '2024-08-05' }),
      400,
      'INVALID_PARAMETER_VALUE',
      /beyond the data \(last trading day 2024-07-26\): the furthest date to forecast is the next session, 2024-07-29/,
    );
    await expectError(
      predict({ date: '2030-01-02' }),
      400,
      'INVALID_PARAMETER_VALUE',
      /No MSFT \(sample\) prices between .*: 2030-01-02 is outside the data/,
    );
    await expectError(
      predict({ ticker: 'NOPE', date: '2024-06-28' }),
      400,
      'INVALID_PARAMETER_VALUE',
      /Unknown sample dataset 'NOPE.csv'/,
    );
    await expectError(
      predict({ ticker: '../etc', date: '2024-06-28' }),
      400,
      'INVALID_PARAMETER_VALUE',
      /Invalid ticker/,
    );
    await expectError(predict({ source: 'ftp', date: '2024-06-28' }), 400, 'INVALID_PARAMETER_VALUE', /source/);
  });

  it('a model without recorded dataset needs a ticker for date forms', async () => {
    await promote(server.url, 'anon', await logModelRun(server.url, tiny.dir, {} as any));
    await expectError(
      predict({ model: 'anon', date: '2024-06-28' }),
      400,
      'INVALID_PARAMETER_VALUE',
      /no recorded training ticker: pass 'ticker'/,
    );
    expect((await predict({ model: 'anon', ticker: 'MSFT', date: '2024-06-28' })).status).toBe(200);
  });

  it('a multi-feature model: rows of feature values, and no recursive horizon', async () => {
    const multi = await trainTinyModel({ seed: 5, features: ['close', 'volume'] });
    try {
      await promote(server.url, 'multi', await logModelRun(server.url, multi.dir));
      const rows = values.map((v) => [v, 2e7]);
      const ok = await predict({ model: 'multi', values: rows });
      expect(ok.status, ok.text).toBe(200);
      expect(ok.body.predictions[0]).toBeCloseTo(multi.predictor.predict(rows), 3);
      await expectError(
        predict({ model: 'multi', values }),
        400,
        'INVALID_PARAMETER_VALUE',
        /values\[0\] must be a row of 2 numbers \(close, volume\)/,
      );
      await expectError(
        predict({ model: 'multi', values: rows, horizon: 2 }),
        400,
        'INVALID_PARAMETER_VALUE',
        /only close-only models with horizon 1 support/,
      );
      expect((await predict({ model: 'multi', date: '2024-06-28' })).status).toBe(200);
    } finally {
      multi.predictor.dispose();
    }
  });

  it('/invocations: malformed JSON, empty input, wrong columns', async () => {
    await expectError(
      http(server.url, 'POST', '/invocations', '{"inputs": [1,2,'),
      400,
      'BAD_REQUEST',
      /Malformed JSON/,
    );
    await expectError(http(server.url, 'POST', '/invocations', { inputs: [] }), 400, 'BAD_REQUEST', /non-empty list/);
    await expectError(
      http(server.url, 'POST', '/invocations', { dataframe_split: { columns: ['a', 'b'], data: [[1, 2]] } }),
      400,
      'BAD_REQUEST',
      /Missing column\(s\) 'close'/,
    );
    await expectError(
      http(server.url, 'POST', '/invocations', 'close\n1\nx\n', { 'content-type': 'text/csv' }),
      400,
      'BAD_REQUEST',
      /CSV row 2, column 'close': 'x' is not a finite number/,
    );
    const missing = await fetch(`${server.url}/invocations`, { method: 'POST', body: '{}' });
    expect(missing.status).toBe(415);
  });

  it('deleting the champion alias stops serving that model (503)', async () => {
    const del = await http(server.url, 'DELETE', '/api/2.0/mlflow/registered-models/alias', {
      name: 'm',
      alias: 'champion',
    });
    expect(del.status).toBe(200);
    await waitFor(async () => (await predict({ values })).status === 503, 'no champion');
    await expectError(predict({ values }), 503, 'TEMPORARILY_UNAVAILABLE', /no champion yet/);
  });
});
