import * as yaml from 'js-yaml';
import { InputSchema, parseInputSchema } from '../scoring/signature';

export type Runtime = 'tsflow' | 'onnx';

/** How a model directory is served: by which runtime, from which file, with which signature. */
export type RuntimeChoice = { runtime: 'tsflow' } | { runtime: 'onnx'; file: string; schema: InputSchema | null };

/**
 * A registered model that no runtime here can serve (a sklearn pickle, a missing file, a bad
 * signature). Not a transient failure: retrying the same files gives the same answer, so it is
 * reported once and the version is not reloaded until the champion moves.
 */
export class NotServableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotServableError';
  }
}

interface MLmodel {
  flavors?: Record<string, Record<string, unknown> | null>;
  signature?: { inputs?: unknown } | null;
}

const ONNX_FILE = /\.onnx$/i;

/** Safe relative path inside the model directory (MLmodel is user data). */
const inside = (p: unknown): p is string =>
  typeof p === 'string' && p !== '' && !p.startsWith('/') && !p.split(/[\\/]/).includes('..');

/**
 * Picks the runtime from MLmodel's flavors: `onnx` (as `mlflow.onnx.log_model` writes it) or any
 * flavor that declares a `.onnx` file; tsflow's own forecasters (`tfjs` flavor with
 * preprocessing.json). `exists` says whether a file of the downloaded directory exists.
 */
export function chooseRuntime(mlmodelText: string | null, exists: (rel: string) => boolean): RuntimeChoice {
  if (mlmodelText === null) {
    if (exists('preprocessing.json')) return { runtime: 'tsflow' };
    throw new NotServableError('the model directory has no MLmodel file');
  }
  let doc: MLmodel;
  try {
    doc = (yaml.load(mlmodelText) ?? {}) as MLmodel;
  } catch (err) {
    throw new NotServableError(`MLmodel is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const flavors = doc.flavors && typeof doc.flavors === 'object' ? doc.flavors : {};
  const onnx = flavors.onnx;
  const declared = [onnx?.data, ...Object.values(flavors).flatMap((f) => Object.values(f ?? {}))].find(
    (v): v is string => inside(v) && ONNX_FILE.test(v),
  );
  if (onnx || declared) {
    const file = inside(onnx?.data) ? onnx?.data : declared;
    if (!file) throw new NotServableError("the onnx flavor names no model file ('data')");
    if (!exists(file)) throw new NotServableError(`MLmodel declares '${file}', which is not among the model's files`);
    return { runtime: 'onnx', file, schema: signatureOf(doc) };
  }
  if (exists('preprocessing.json')) return { runtime: 'tsflow' };
  const names = Object.keys(flavors);
  throw new NotServableError(
    `no runtime here serves flavors [${names.join(', ')}]: tsflow serves ONNX models (mlflow.onnx.log_model, or a flavor declaring a .onnx file) and its own forecasters. Export the model to ONNX (torch.onnx.export, tf2onnx, skl2onnx, onnxmltools) and log it with mlflow.onnx.log_model.`,
  );
}

function signatureOf(doc: MLmodel): InputSchema | null {
  try {
    return parseInputSchema(doc.signature?.inputs);
  } catch (err) {
    throw new NotServableError(`the signature's inputs cannot be read: ${(err as Error).message}`);
  }
}
