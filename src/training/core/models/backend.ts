import * as path from 'path';
import * as tf from '@tensorflow/tfjs';

export type BackendPreference = 'node' | 'wasm' | 'cpu';

/** Candidate tfjs backends, fastest first, from each starting preference. */
const CHAINS: Record<BackendPreference, Array<'tensorflow' | 'wasm' | 'cpu'>> = {
  node: ['tensorflow', 'wasm', 'cpu'],
  wasm: ['wasm', 'cpu'],
  cpu: ['cpu'],
};

let current: { preferred: BackendPreference; promise: Promise<string> } | null = null;
let wasmLoaded = false;

/**
 * Selects the tfjs backend: native `tensorflow` (@tensorflow/tfjs-node, an optional
 * dependency that cannot install offline), then `wasm` (about 3.4x faster than `cpu` for LSTMs
 * here), then `cpu`, starting from `preferred` (default `node`). Idempotent: repeated calls
 * with the same preference share one initialisation; a different preference switches backend
 * (the benchmark uses that). Returns the backend actually in use.
 */
export function initBackend(
  preferred: BackendPreference = 'node',
  log: (msg: string) => void = () => undefined,
): Promise<string> {
  if (!CHAINS[preferred])
    return Promise.reject(new Error(`unknown backend preference "${preferred}" (node, wasm, cpu)`));
  if (current?.preferred === preferred) return current.promise;
  const promise = selectBackend(preferred, log);
  current = { preferred, promise };
  promise.catch(() => {
    if (current?.promise === promise) current = null;
  });
  return promise;
}

/** The backend already chosen, or the default chain when none was initialised yet. */
export function ensureBackend(log?: (msg: string) => void): Promise<string> {
  return current?.promise ?? initBackend('node', log);
}

async function selectBackend(preferred: BackendPreference, log: (msg: string) => void): Promise<string> {
  for (const name of CHAINS[preferred]) {
    const reason = await trySetBackend(name);
    if (reason === null) {
      log(`tfjs backend: ${tf.getBackend()} (preferred ${preferred})`);
      return tf.getBackend();
    }
    log(`tfjs backend ${name} unavailable: ${reason}`);
  }
  throw new Error('no tfjs backend could be initialised');
}

/** Null on success, else why the backend could not be used. */
async function trySetBackend(name: 'tensorflow' | 'wasm' | 'cpu'): Promise<string | null> {
  try {
    if (name === 'tensorflow') loadNodeBinding();
    if (name === 'wasm') loadWasm();
    if (tf.getBackend() === name) return null;
    // setBackend resolves to false (it does not throw) when the backend fails to initialise.
    return (await tf.setBackend(name)) ? null : 'tf.setBackend returned false';
  } catch (err) {
    return (err as Error).message.split('\n')[0];
  }
}

function loadNodeBinding(): void {
  // Kept out of static imports: the package is optional and absent on offline machines.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('@tensorflow/tfjs-node');
}

function loadWasm(): void {
  if (wasmLoaded) return;
  // Loaded lazily so that merely importing this module never registers (and auto-selects) wasm.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(wasmDistDir());
  wasmLoaded = true;
}

/** The installed package's `dist/` directory, with the trailing slash setWasmPaths expects. */
export function wasmDistDir(): string {
  const pkg = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return path.join(path.dirname(pkg), 'dist') + path.sep;
}
