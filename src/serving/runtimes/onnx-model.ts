import * as ort from 'onnxruntime-node';
import { MlflowError, ErrorCode } from '../../common/mlflow-error';
import { MicroBatcher } from '../micro-batcher';
import { NdArray, Scalar, toNested } from '../scoring/ndarray';
import { PyfuncInput } from '../scoring/pyfunc-input';
import { enforceSchema } from '../scoring/schema-enforcement';
import type { InputSchema } from '../scoring/signature';
import { concat, evaluationError, jsonValues, RawTensor, split, typedData } from './onnx-tensors';

type Feeds = Record<string, RawTensor>;
type Outputs = Record<string, RawTensor>;

interface IoSpec {
  name: string;
  type: string;
  /** Numbers are fixed sizes; strings (symbolic) and -1 are dynamic. */
  shape: ReadonlyArray<number | string>;
}

const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = {
  executionProviders: ['cpu'],
  graphOptimizationLevel: 'all',
  // One thread per run: requests run side by side on a small machine instead of contending.
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
};

const specs = (meta: readonly ort.InferenceSession.ValueMetadata[]): IoSpec[] =>
  meta.map((m) => ({ name: m.name, type: m.isTensor ? m.type : 'non-tensor', shape: m.isTensor ? m.shape : [] }));
const dynamic = (d: number | string | undefined) => typeof d === 'string' || d === -1;

/**
 * An ONNX champion served the way `mlflow.onnx`'s pyfunc wrapper predicts: a DataFrame feeds a
 * single-input model with its values (or each column to the input of its name); an array feeds
 * the one input; a dict feeds inputs by name. Outputs come back as MLflow shapes them: a
 * DataFrame (records, one column per output, each flattened) for DataFrame input, else a dict
 * of output name → nested list. One InferenceSession per loaded version serves every request;
 * when the batch dimension is dynamic, concurrent requests share one run (micro-batching).
 */
export class OnnxModel {
  readonly runtime = 'onnx' as const;
  readonly backend = 'onnxruntime-cpu';
  readonly inputs: IoSpec[];
  /** The tensor outputs: what a request answers. */
  readonly outputs: IoSpec[];
  /**
   * Outputs that are not tensors, e.g. the `output_probability` maps (ZipMap) skl2onnx writes for
   * classifiers: ONNX Runtime for Node cannot return them, so they are not fetched or answered.
   */
  readonly omitted: string[];
  private readonly fetches: string[];
  /** Whether concurrent requests are merged along dim 0 into one run. */
  readonly batched: boolean;
  private readonly batcher: MicroBatcher<Feeds, Outputs> | null;
  private released = false;

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly schema: InputSchema | null,
    readonly source: string,
    maxBatch: number,
  ) {
    this.inputs = specs(session.inputMetadata);
    const outputs = specs(session.outputMetadata);
    this.outputs = outputs.filter((o) => o.type !== 'non-tensor');
    this.omitted = outputs.filter((o) => o.type === 'non-tensor').map((o) => o.name);
    this.fetches = this.outputs.map((o) => o.name);
    this.batched =
      maxBatch > 1 &&
      this.inputs.every((i) => i.shape.length > 0 && dynamic(i.shape[0])) &&
      this.outputs.every((o) => o.shape.length === 0 || dynamic(o.shape[0]));
    this.batcher = this.batched
      ? new MicroBatcher<Feeds, Outputs>({ predictBatch: (b) => this.runBatch(b) }, maxBatch)
      : null;
  }

  /**
   * Loads the graph (throws on a corrupt or unsupported file) and runs it once to warm it up.
   * `file` is a path, not bytes: `mlflow.onnx.log_model` saves weights of 1 KiB or more in an
   * external data file beside model.onnx, which ONNX Runtime finds only relative to the model's path.
   */
  static async create(file: string, schema: InputSchema | null, source: string, maxBatch = 64): Promise<OnnxModel> {
    const session = await ort.InferenceSession.create(file, SESSION_OPTIONS);
    const model = new OnnxModel(session, schema, source, maxBatch);
    const unsupported = model.inputs.find((i) => i.type === 'non-tensor');
    if (unsupported || model.outputs.length === 0) {
      model.dispose();
      throw new Error(
        unsupported
          ? `input '${unsupported.name}' is not a tensor (sequences and maps are not served)`
          : 'no output is a tensor (sequences and maps are not served)',
      );
    }
    await model.warmUp();
    return model;
  }

  /** The `predictions` of an /invocations answer. */
  async predict(raw: PyfuncInput): Promise<unknown> {
    const input = this.schema ? enforceSchema(raw, this.schema) : raw;
    const feeds = this.feeds(input);
    const outputs = this.batcher ? await this.batcher.predict(feeds) : await this.run(feeds);
    return input.kind === 'frame' ? this.records(outputs) : this.dict(outputs);
  }

  dispose(): void {
    if (this.released) return;
    this.released = true;
    void this.session.release().catch(() => undefined);
  }

  private feeds(input: PyfuncInput): Feeds {
    const feed = (spec: IoSpec, t: NdArray): RawTensor => ({
      type: spec.type,
      data: typedData(t.data, spec.type, spec.name),
      dims: t.shape,
    });
    if (input.kind === 'dict') {
      const extra = [...input.tensors.keys()].filter((k) => !this.inputs.some((i) => i.name === k));
      if (extra.length)
        throw evaluationError(`Invalid input name(s): ${extra.join(', ')}; the model's inputs are ${this.names()}.`);
      return Object.fromEntries(
        this.inputs.map((spec) => {
          const t = input.tensors.get(spec.name);
          if (!t) throw evaluationError(`Missing input '${spec.name}'; the model's inputs are ${this.names()}.`);
          return [spec.name, feed(spec, t)];
        }),
      );
    }
    if (input.kind === 'array') {
      if (this.inputs.length !== 1)
        throw new MlflowError(
          ErrorCode.BAD_REQUEST,
          `Unable to map numpy array input to the expected model input. Numpy arrays can only be used as input for MLflow ONNX models that have a single input. This model requires ${this.inputs.length} inputs. Please pass in data as either a dictionary or a DataFrame with the following tensors: ${this.names()}.`,
        );
      return { [this.inputs[0].name]: feed(this.inputs[0], input.array) };
    }
    const rows = input.values[0]?.length ?? 0;
    if (this.inputs.length > 1)
      return Object.fromEntries(
        this.inputs.map((spec) => {
          const j = input.columns.indexOf(spec.name);
          if (j < 0)
            throw evaluationError(`KeyError: '${spec.name}' (each input of this model is fed from its column).`);
          return [spec.name, feed(spec, { data: input.values[j], shape: [rows] })];
        }),
      );
    const data: Scalar[] = [];
    for (let i = 0; i < rows; i++) for (const column of input.values) data.push(column[i]);
    return { [this.inputs[0].name]: feed(this.inputs[0], { data, shape: [rows, input.columns.length] }) };
  }

  private async run(feeds: Feeds): Promise<Outputs> {
    if (this.released) throw new MlflowError(ErrorCode.TEMPORARILY_UNAVAILABLE, 'The model was unloaded; retry.');
    let result: ort.InferenceSession.ReturnType;
    try {
      const tensors = Object.fromEntries(
        Object.entries(feeds).map(([k, t]) => [k, new ort.Tensor(t.type as ort.Tensor.Type, t.data as never, t.dims)]),
      );
      result = await this.session.run(tensors, this.fetches);
    } catch (err) {
      throw err instanceof MlflowError ? err : evaluationError(`ONNX Runtime: ${(err as Error).message}`);
    }
    return Object.fromEntries(
      this.outputs.map((o) => {
        const t = result[o.name] as ort.Tensor;
        return [o.name, { type: t.type, data: t.data as RawTensor['data'], dims: [...t.dims] }];
      }),
    );
  }

  /** One run over requests with the same trailing dims (others run apart); outputs split by rows. */
  private async runBatch(batch: readonly Feeds[]): Promise<Outputs[]> {
    if (batch.length === 1) return [await this.run(batch[0])];
    const key = (f: Feeds) => JSON.stringify(this.inputs.map((i) => [f[i.name].type, f[i.name].dims.slice(1)]));
    const groups = new Map<string, number[]>();
    batch.forEach((f, i) => groups.set(key(f), [...(groups.get(key(f)) ?? []), i]));
    const answers: Outputs[] = new Array(batch.length);
    for (const members of groups.values()) {
      const feeds = members.map((i) => batch[i]);
      const rows = feeds.map((f) => f[this.inputs[0].name].dims[0]);
      const total = rows.reduce((a, b) => a + b, 0);
      const merged = Object.fromEntries(this.inputs.map((i) => [i.name, concat(feeds.map((f) => f[i.name]))]));
      const out = await this.run(merged);
      // A graph that does not keep the batch rows (e.g. reduces over them) cannot be split: run each alone.
      if (Object.values(out).some((t) => t.dims[0] !== total))
        throw new Error('outputs do not keep the batch dimension');
      const pieces = Object.fromEntries(Object.entries(out).map(([k, t]) => [k, split(t, rows)]));
      members.forEach((i, m) => (answers[i] = Object.fromEntries(Object.keys(out).map((k) => [k, pieces[k][m]]))));
    }
    return answers;
  }

  private records(outputs: Outputs): Record<string, Scalar>[] {
    const columns = Object.entries(outputs).map(([k, t]) => [k, jsonValues(t)] as const);
    const n = columns[0]?.[1].length ?? 0;
    if (columns.some(([, v]) => v.length !== n))
      throw evaluationError(
        `ValueError: All arrays must be of the same length (DataFrame input answers one column per output, flattened: ${columns.map(([k, v]) => `${k} has ${v.length} values`).join(', ')}). Send 'inputs' for the outputs as tensors.`,
      );
    return Array.from({ length: n }, (_, i) => Object.fromEntries(columns.map(([k, v]) => [k, v[i]])));
  }

  private dict(outputs: Outputs): Record<string, unknown> {
    return Object.fromEntries(Object.entries(outputs).map(([k, t]) => [k, toNested(jsonValues(t), t.dims)]));
  }

  private names(): string {
    return `[${this.inputs.map((i) => `'${i.name}'`).join(', ')}]`;
  }

  /** One run on zeros (batch 1 for dynamic dims); a graph that cannot run on zeros still loads. */
  private async warmUp(): Promise<void> {
    try {
      const feeds: Feeds = {};
      for (const i of this.inputs) {
        const dims = i.shape.map((d) => (typeof d === 'number' && d > 0 ? d : 1));
        const zero: Scalar = i.type === 'string' ? '' : i.type === 'bool' ? false : 0;
        const data = new Array<Scalar>(dims.reduce((a, b) => a * b, 1)).fill(zero);
        feeds[i.name] = { type: i.type, data: typedData(data, i.type, i.name), dims };
      }
      await this.run(feeds);
    } catch {
      // Requests will report what is wrong with their input.
    }
  }
}
