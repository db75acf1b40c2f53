import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

/** Debian's python3-torch (the pyenv python on these machines has no torch). */
const PYTHON = '/usr/bin/python3';

export interface TorchResult {
  model?: string;
  torch: string;
  train_windows: number;
  epoch_seconds: number[];
  /** Mean of the epochs after the first (warm-up). */
  seconds_per_epoch: number;
  cpu_seconds_per_epoch: number;
  predict_median_ms: number;
  predict_p95_ms: number;
  shape: { seqLength: number; nFeatures: number; layers: number; units: number };
}

/** Trains the same shapes in PyTorch (CPU, one thread) via bench/torch_lstm.py. */
export function runTorch(
  params: Record<string, unknown>,
  windows: number,
  epochs: number,
): TorchResult | { skipped: string } {
  const script = path.join(__dirname, '..', '..', 'bench', 'torch_lstm.py');
  const cfg = { ...params, windows, epochs };
  try {
    const out = execFileSync(PYTHON, [script, JSON.stringify(cfg)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const shape = {
      seqLength: Number(params.seq_length),
      nFeatures: 1,
      layers: Number(params.layers),
      units: Number(params.units),
    };
    return { ...(JSON.parse(out.trim().split('\n').pop()!) as Omit<TorchResult, 'shape'>), shape };
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    return { skipped: `${PYTHON} ${path.basename(script)}: ${(e.stderr || e.message).trim().split('\n').pop()}` };
  }
}
