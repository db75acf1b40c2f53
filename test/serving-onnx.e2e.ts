import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  columnForms,
  csv,
  expectedCases,
  near,
  ONNX_FIXTURES,
  registerOnnx,
  setAlias,
  tensorForms,
  variant,
} from './support/onnx';
import { http, startServer, TestServer } from './support/server';
import { waitFor } from './support/serving';
import * as path from 'node:path';

const fixture = (name: string) => path.join(ONNX_FIXTURES, name);

describe('ONNX champions through the MLflow scoring protocol', () => {
  let server: TestServer;
  const invoke = (model: string, body: unknown, headers?: Record<string, string>) =>
    http(server.url, 'POST', `/invocations?model=${encodeURIComponent(model)}`, body, headers);
  const linear = expectedCases('linear');
  const tabular = expectedCases('tabular');
  const mlp2 = expectedCases('mlp2');

  beforeAll(async () => {
    server = await startServer({ env: { TSFLOW_CHAMPION_POLL_MS: '500' } });
    await registerOnnx(server.url, 'linear', fixture('linear'), 'champion');
    await registerOnnx(server.url, 'tabular', fixture('tabular'), 'champion');
    await registerOnnx(server.url, 'mlp2', fixture('mlp2'), 'champion');
  }, 60_000);

  afterAll(async () => {
    await server?.close();
  });

  it('GET /api/v1/models/{name}/champion: servable by the onnx runtime', async () => {
    const r = await http(server.url, 'GET', '/api/v1/models/linear/champion');
    expect(r.status, r.text).toBe(200);
    expect(r.body.champion).toMatchObject({ version: '1', runtime: 'onnx', servable: true, reason: null });
  });

  it('a tensor signature: inputs, instances, dataframe_split, dataframe_records and CSV give PyTorch’s numbers', async () => {
    const { inputs, outputs } = linear[1];
    for (const [body, headers] of tensorForms(inputs.x, ['a', 'b', 'c'])) {
      const r = await invoke('linear', body, headers);
      expect(r.status, `${JSON.stringify(body).slice(0, 80)}: ${r.text}`).toBe(200);
      // A tensor signature hands the model an array: the answer is a dict of output tensors (mlflow.onnx).
      expect(Object.keys(r.body.predictions)).toEqual(['y']);
      near(r.body.predictions.y, outputs.y);
    }
  });

  it('named dataframe columns with a signature: records of the output column, every form', async () => {
    const { inputs, outputs } = tabular[0];
    const rows = inputs.features;
    for (const [body, headers] of columnForms(rows, ['x1', 'x2', 'x3', 'x4'])) {
      const r = await invoke('tabular', body, headers);
      expect(r.status, `${JSON.stringify(body).slice(0, 80)}: ${r.text}`).toBe(200);
      expect(r.body.predictions).toHaveLength(rows.length);
      r.body.predictions.forEach((p: { score: number }, i: number) => near(p.score, outputs.score[i][0]));
    }
    // integers widen to double, as MLflow allows
    const ints = await invoke('tabular', { dataframe_records: [{ x1: 1, x2: 0, x3: -2, x4: 3 }] });
    expect(ints.status, ints.text).toBe(200);
  });

  it('two outputs: a dict of both tensors', async () => {
    for (const [c, body] of mlp2.flatMap(
      (c) =>
        [
          [c, { inputs: c.inputs.x }],
          // without a signature, named tensors feed the inputs of those names
          [c, { inputs: { x: c.inputs.x } }],
          [c, { instances: c.inputs.x.map((row) => ({ x: row })) }],
        ] as const,
    )) {
      const r = await invoke('mlp2', body);
      expect(r.status, r.text).toBe(200);
      expect(Object.keys(r.body.predictions)).toEqual(['value', 'logits']);
      near(r.body.predictions.value, c.outputs.value);
      near(r.body.predictions.logits, c.outputs.logits);
    }
  });

  it('/predict: `values` are the input tensor', async () => {
    const r = await http(server.url, 'POST', '/predict', { model: 'linear', values: linear[0].inputs.x });
    expect(r.status, r.text).toBe(200);
    expect(r.body.model).toMatchObject({ name: 'linear', version: '1', backend: 'onnxruntime-cpu' });
    near(r.body.predictions.y, linear[0].outputs.y);
  });

  it('bad inputs: 400 with MLflow’s messages', async () => {
    const bad = async (
      model: string,
      body: unknown,
      code: string,
      message: RegExp,
      headers?: Record<string, string>,
    ) => {
      const r = await invoke(model, body, headers);
      expect(r.status, r.text).toBe(400);
      expect(r.body.error_code).toBe(code);
      expect(r.body.message).toMatch(message);
    };
    // wrong columns
    await bad(
      'tabular',
      { dataframe_split: { columns: ['x1', 'x2', 'x3', 'y'], data: [[1, 2, 3, 4]] } },
      'INVALID_PARAMETER_VALUE',
      /Failed to enforce schema of data .* Error: Model is missing inputs \['x4'\]\. Note that there were extra inputs: \['y'\]/s,
    );
    // wrong types
    await bad(
      'tabular',
      { dataframe_records: [{ x1: 'abc', x2: 2, x3: 3, x4: 4 }] },
      'INVALID_PARAMETER_VALUE',
      /Data is not compatible with model signature\. Failed to convert column x1 to type 'float64'/,
    );
    await bad(
      'tabular',
      csv(['x1', 'x2', 'x3', 'x4'], [[1, 2, 3, 4]]).replace('4\n', ''),
      'BAD_REQUEST',
      /CSV|Failed to parse/,
      {
        'content-type': 'text/csv',
      },
    );
    // wrong shapes
    await bad(
      'linear',
      { inputs: [[1, 2]] },
      'INVALID_PARAMETER_VALUE',
      /Error: Shape of input \(1, 2\) does not match expected shape \(-1, 3\)\./,
    );
    await bad(
      'linear',
      {
        inputs: [
          [1, 2, 3],
          [4, 5],
        ],
      },
      'BAD_REQUEST',
      /Failed to parse data as TF serving input/,
    );
    // no signature: the model itself refuses, as in MLflow
    await bad(
      'mlp2',
      { inputs: [[1, 2, 3]] },
      'BAD_REQUEST',
      /^Encountered an unexpected error while evaluating the model\. .*ONNX Runtime: /s,
    );
    // DataFrame answers are one column per output: these two outputs differ in length
    await bad(
      'mlp2',
      { dataframe_split: { data: [[1, 2, 3, 4]] } },
      'BAD_REQUEST',
      /All arrays must be of the same length/,
    );
    // the protocol itself
    await bad(
      'linear',
      { inputs: [[1, 2, 3]], instances: [[1, 2, 3]] },
      'BAD_REQUEST',
      /exactly one of the input fields/,
    );
  });

  it('a corrupt ONNX file and a scikit-learn pickle: registered, reported once as not servable, 503 with the reason', async () => {
    const corrupt = variant('linear', { 'model.onnx': Buffer.from('not an onnx graph') });
    await registerOnnx(server.url, 'corrupt', corrupt, 'champion');
    const sklearn = variant('linear', {
      MLmodel:
        'flavors:\n  python_function:\n    loader_module: mlflow.sklearn\n    model_path: model.pkl\n  sklearn:\n    pickled_model: model.pkl\n    serialization_format: cloudpickle\n',
      'model.pkl': 'pickle bytes',
    });
    await registerOnnx(server.url, 'sk', sklearn, 'champion');

    const c = await invoke('corrupt', { inputs: [[1, 2, 3]] });
    expect(c.status, c.text).toBe(503);
    expect(c.body.error_code).toBe('TEMPORARILY_UNAVAILABLE');
    expect(c.body.message).toMatch(
      /The champion of 'corrupt' \(version 1\) cannot be served here: ONNX Runtime cannot load model\.onnx/,
    );
    expect(c.body.message).not.toContain('tsflow-champion-'); // no server temporary paths
    const s = await invoke('sk', { inputs: [[1, 2, 3]] });
    expect(s.status, s.text).toBe(503);
    expect(s.body.message).toMatch(/no runtime here serves flavors \[python_function, sklearn\]/);

    const status = await http(server.url, 'GET', '/api/v1/models/sk/champion');
    expect(status.body.champion).toMatchObject({ version: '1', runtime: null, servable: false });
    expect(status.body.champion.reason).toMatch(/mlflow\.onnx\.log_model/);
    const health = await http(server.url, 'GET', '/health');
    expect(health.text).toMatch(/^DEGRADED/);
    expect(health.text).toMatch(/model 'corrupt': champion version 1 cannot be served/);
    expect(health.text).toMatch(/model 'sk': champion version 1 cannot be served/);
  });

  it('the alias moves under load (8 concurrent clients) with no failed request', async () => {
    await registerOnnx(server.url, 'swap', fixture('linear'), 'champion');
    const v2 = await registerOnnx(server.url, 'swap', fixture('linear_b'));
    const x = linear[0].inputs.x;
    const before = (await invoke('swap', { inputs: x })).body.predictions.y[0][0] as number;
    let running = true;
    const answers: { status: number; y?: number }[] = [];
    const clients = Array.from({ length: 8 }, async () => {
      while (running) {
        const r = await invoke('swap', { inputs: x });
        answers.push({ status: r.status, y: r.body?.predictions?.y?.[0]?.[0] });
      }
    });
    await new Promise((r) => setTimeout(r, 300));
    await setAlias(server.url, 'swap', 'champion', v2);
    const moved = await waitFor(
      () => answers.length > 0 && answers[answers.length - 1].y !== before,
      'answers from version 2',
      10_000,
    );
    expect(moved).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    running = false;
    await Promise.all(clients);
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    const values = new Set(answers.map((a) => a.y));
    expect(values.size).toBe(2); // version 1's answer, then version 2's
    const status = await http(server.url, 'GET', '/api/v1/models/swap/champion');
    expect(status.body.champion).toMatchObject({ version: v2, runtime: 'onnx', servable: true });
    // Any alias or version, as in models:/ URIs: each its own session, following its alias.
    const y = async (model: string) => {
      const r = await invoke(model, { inputs: x });
      expect(r.status, r.text).toBe(200);
      return r.body.predictions.y[0][0] as number;
    };
    await setAlias(server.url, 'swap', 'staging', '1');
    expect(await y('swap/1')).toBe(before);
    expect(await y('swap@staging')).toBe(before);
    expect(await y('swap@champion')).not.toBe(before);
    const byBody = await http(server.url, 'POST', '/predict', { model: 'swap/1', values: x });
    expect(byBody.body.model).toMatchObject({ name: 'swap', version: '1' });
    for (const [model, message] of [
      ['swap@nope', 'Registered model alias nope not found.'],
      ['swap/9', 'Model Version (name=swap, version=9) not found'],
      ['nope/1', 'Registered Model with name=nope not found'],
    ]) {
      const r = await invoke(model, { inputs: x });
      expect(r.status, r.text).toBe(404);
      expect(r.body.message).toBe(message);
    }
    const served = (await http(server.url, 'GET', '/api/v1/serving/models')).body.models.map((m: any) => m.name);
    expect(served).toEqual(expect.arrayContaining(['swap', 'swap/1', 'swap@staging']));
    expect(served).not.toContain('swap@nope');
  });
});
