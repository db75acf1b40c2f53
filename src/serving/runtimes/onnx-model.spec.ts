import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlflowError } from '../../common/mlflow-error';
import { pyfuncInput } from '../scoring/pyfunc-input';
import { chooseRuntime } from './mlmodel';
import { OnnxModel } from './onnx-model';

const FIXTURES = path.join(__dirname, '../../../test/fixtures/onnx');
/** float32 graphs, same ops as PyTorch's CPU kernels: agreement to 1e-5 (absolute, and relative to the value). */
const TOLERANCE = 1e-5;

interface Expected {
  cases: { inputs: Record<string, number[][]>; outputs: Record<string, number[][]> }[];
}

async function load(name: string): Promise<{ model: OnnxModel; expected: Expected }> {
  const dir = path.join(FIXTURES, name);
  const choice = chooseRuntime(readFileSync(path.join(dir, 'MLmodel'), 'utf8'), () => true);
  if (choice.runtime !== 'onnx') throw new Error('not onnx');
  const model = await OnnxModel.create(path.join(dir, choice.file), choice.schema, dir);
  return { model, expected: JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) };
}

function near(actual: unknown, expected: unknown): void {
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual)).toBe(true);
    expect((actual as unknown[]).length).toBe(expected.length);
    expected.forEach((e, i) => near((actual as unknown[])[i], e));
    return;
  }
  expect(Math.abs((actual as number) - (expected as number))).toBeLessThanOrEqual(
    TOLERANCE * Math.max(1, Math.abs(expected as number)),
  );
}

const inputs = (value: unknown) => pyfuncInput({ format: 'inputs', value, params: {} });

describe('OnnxModel: PyTorch exports answer what PyTorch computed', () => {
  const models: Record<string, { model: OnnxModel; expected: Expected }> = {};
  beforeAll(async () => {
    // mlp_external: weights in an external data file, as mlflow.onnx.log_model saves them
    for (const name of ['linear', 'mlp2', 'tabular', 'fixed_batch', 'mlp_external']) models[name] = await load(name);
  });
  afterAll(() => Object.values(models).forEach((m) => m.model.dispose()));

  it('every fixture case, as a tensor: a dict of output name → nested list (mlflow.onnx pyfunc)', async () => {
    // (tabular's column signature refuses bare tensors, as MLflow does: it is scored by columns below)
    for (const { model, expected } of Object.values(models).filter((m) => m.model.schema?.kind !== 'columns')) {
      for (const c of expected.cases) {
        const answer = (await model.predict(inputs(Object.values(c.inputs)[0]))) as Record<string, unknown>;
        expect(Object.keys(answer)).toEqual(Object.keys(c.outputs));
        for (const [k, v] of Object.entries(c.outputs)) near(answer[k], v);
      }
    }
  });

  it('dynamic batch dimensions are micro-batched; a fixed one is not', () => {
    expect(models.linear.model.batched).toBe(true);
    expect(models.mlp2.model.batched).toBe(true);
    expect(models.fixed_batch.model.batched).toBe(false);
  });

  it('concurrent requests share runs and still get their own rows', async () => {
    const { model, expected } = models.mlp2;
    const rows = expected.cases[1].inputs.x;
    const answers = (await Promise.all(rows.map((r) => model.predict(inputs([r]))))) as Record<string, number[][]>[];
    answers.forEach((a, i) => {
      near(a.value, [expected.cases[1].outputs.value[i]]);
      near(a.logits, [expected.cases[1].outputs.logits[i]]);
    });
  });

  it('a bad request in a batch fails alone', async () => {
    const { model, expected } = models.linear;
    const good = expected.cases[0].inputs.x;
    const results = await Promise.allSettled([
      model.predict(inputs(good)),
      model.predict(inputs([[1, 2]])),
      model.predict(inputs(good)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const err = (results[1] as PromiseRejectedResult).reason as MlflowError;
    expect(err.code).toBe('INVALID_PARAMETER_VALUE');
    expect(err.message).toContain('Shape of input (1, 2) does not match expected shape (-1, 3).');
  });

  it('named dataframe columns: reordered, extra dropped, one record per row', async () => {
    const { model, expected } = models.tabular;
    const c = expected.cases[0];
    const records = c.inputs.features.map(([x1, x2, x3, x4]) => ({ x4, extra: 'ignored', x2, x1, x3 }));
    const answer = (await model.predict(pyfuncInput({ format: 'dataframe_records', value: records, params: {} }))) as {
      score: number;
    }[];
    expect(answer).toHaveLength(c.outputs.score.length);
    answer.forEach((r, i) => near(r.score, c.outputs.score[i][0]));
  });

  it('a bare tensor for a named-column signature is refused as MLflow refuses it', async () => {
    const err = (await models.tabular.model.predict(inputs([[1, 2, 3, 4]])).catch((e) => e)) as MlflowError;
    expect(err.code).toBe('INVALID_PARAMETER_VALUE');
    expect(err.message).toContain("Model is missing inputs ['x1', 'x2', 'x3', 'x4'].");
  });

  it('a classifier as skl2onnx writes it: the label answers; the ZipMap probabilities (not a tensor) are left out', async () => {
    const { model, expected } = await load('classifier_zipmap');
    try {
      expect(model.omitted).toEqual(['output_probability']);
      const c = expected.cases[0];
      const answer = (await model.predict(inputs(c.inputs.float_input))) as Record<string, unknown>;
      expect(answer).toEqual({ output_label: c.outputs.output_label });
      const frame = (await model.predict(
        pyfuncInput({ format: 'dataframe_split', value: { data: c.inputs.float_input }, params: {} }),
      )) as unknown[];
      expect(frame).toEqual(c.outputs.output_label.map((label) => ({ output_label: label })));
    } finally {
      model.dispose();
    }
  });

  it('a model without a signature: wrong shapes are ONNX Runtime errors, answered 400 BAD_REQUEST', async () => {
    const err = (await models.mlp2.model.predict(inputs([[1, 2, 3]])).catch((e) => e)) as MlflowError;
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toMatch(/^Encountered an unexpected error while evaluating the model\. .*ONNX Runtime: /);
  });
});

describe('chooseRuntime', () => {
  it('a scikit-learn pickle is not servable, with the reason', () => {
    const mlmodel =
      'flavors:\n  python_function:\n    loader_module: mlflow.sklearn\n    model_path: model.pkl\n  sklearn:\n    pickled_model: model.pkl\n';
    expect(() => chooseRuntime(mlmodel, (f) => f === 'model.pkl')).toThrow(
      /no runtime here serves flavors \[python_function, sklearn\]/,
    );
  });

  it('any flavor declaring a .onnx file is served by ONNX Runtime; paths leaving the directory are not', () => {
    const mlmodel = (p: string) => `flavors:\n  python_function:\n    loader_module: custom\n    model_path: ${p}\n`;
    expect(chooseRuntime(mlmodel('net/graph.onnx'), () => true)).toEqual({
      runtime: 'onnx',
      file: 'net/graph.onnx',
      schema: null,
    });
    expect(() => chooseRuntime(mlmodel('../../etc/x.onnx'), (f) => f.endsWith('.onnx'))).toThrow(
      /no runtime here serves/,
    );
  });

  it("tsflow's forecasters keep their runtime", () => {
    expect(chooseRuntime('flavors:\n  tfjs:\n    data: tfjs-model\n', (f) => f === 'preprocessing.json')).toEqual({
      runtime: 'tsflow',
    });
  });
});
