import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { BackendPreference, initBackend } from '../src/training/core/models/backend';
import { readBundledCsv } from '../src/training/core/series/bundled-data';
import { cleanBars } from '../src/training/core/series/cleaning';
import { prepareDataset, preprocessingJSON } from '../src/training/core/series/dataset';
import { parseParams, TrainingParams } from '../src/training/core/models/hyperparams';
import { TfjsLstmModel } from '../src/training/core/models/engines/tfjs/tfjs-lstm.model';
import { FusedLstmModel } from '../src/training/core/models/engines/fused/fused-lstm.model';
import type { ForecastModel } from '../src/training/core/models/forecast-model';
import { gemmKernelBench, GemmResult } from './gemm-kernels';
import { lstmTrainFlops } from './lib/lstm-flops';
import { runTorch, TorchResult } from './torch-side';
import { createPredictor } from '../src/training/core/models/predictor';
import { modelSpec } from '../src/training/core/models/train';
import { printJsonLine, table, writeResults } from './lib/report';

/**
 * Training benchmark: seconds per epoch (wall and CPU) and single-window predict latency per
 * engine on real MSFT closes: the fused WASM SIMD engine and tfjs-layers per backend, plus
 * PyTorch (CPU, one thread) on the same shapes when /usr/bin/python3 has torch. The reference
 * model is the classic Keras tutorial network (window 60, LSTM(50) x2 + dropout 0.2, Dense(1),
 * ~1500 windows, batch 32, Adam); the small one is window 20, LSTM(32).
 */
const USAGE = `Usage: node dist/bench/training.bench.js [options]
  --engines A,B    fused, tfjs-wasm, tfjs-cpu, tfjs-node (default fused,tfjs-wasm)
  --models A,B     reference,small (default both)
  --epochs N       epochs per case (default 3 for fused, 2 for tfjs; epoch 1 includes warm-up)
  --calls N        predict calls for the latency median (default 200)
  --no-torch       skip the PyTorch side-by-side run
`;

const MODELS: Record<string, { label: string; params: Record<string, unknown>; trainWindows: number }> = {
  reference: {
    label: 'window 60, LSTM(50)x2, dropout 0.2',
    params: { seq_length: 60, layers: 2, units: 50, dropout: 0.2 },
    trainWindows: 1500,
  },
  small: {
    label: 'window 20, LSTM(32)',
    params: { seq_length: 20, layers: 1, units: 32, dropout: 0.2 },
    trainWindows: 1500,
  },
};

interface CaseResult {
  model: string;
  architecture: string;
  engine: string;
  backend: string;
  train_windows: number;
  epochs: number;
  epoch_seconds: number[];
  seconds_per_epoch: number;
  steady_seconds_per_epoch: number;
  /** Process CPU seconds per epoch: tfjs trains on one thread, so this is the wall time of an idle machine. */
  cpu_seconds_per_epoch: number;
  predict_median_ms: number;
  predict_p95_ms: number;
  last_val_loss: number;
  /** LSTM GEMM flops of an epoch over its CPU seconds (unpadded units; same count as PyTorch's). */
  gflops_per_cpu_second: number;
}

function options() {
  const { values } = parseArgs({
    options: {
      engines: { type: 'string' },
      'no-torch': { type: 'boolean' },
      models: { type: 'string' },
      epochs: { type: 'string' },
      calls: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const models = (values.models ?? 'reference,small').split(',').map((s) => s.trim());
  const unknown = models.filter((m) => !MODELS[m]);
  if (unknown.length)
    throw new Error(`unknown model(s) ${unknown.join(', ')}; known: ${Object.keys(MODELS).join(', ')}`);
  return {
    engines: (values.engines ?? 'fused,tfjs-wasm').split(',').map((s) => s.trim()),
    models,
    epochs: values.epochs === undefined ? undefined : Number(values.epochs),
    calls: Number(values.calls ?? 200),
    torch: !values['no-torch'],
  };
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function runCase(
  name: string,
  engine: string,
  backend: string,
  epochs: number,
  calls: number,
): Promise<CaseResult> {
  const def = MODELS[name];
  const params: TrainingParams = parseParams({
    ...def.params,
    // The engine's speed on the classic formulation (min-max-scaled closes), as measured before issue 10.
    target: 'level',
    epochs,
    batch_size: 32,
    patience: 1000,
    learning_rate: 0.001,
    seed: 42,
  });
  // Enough of the latest MSFT sessions for `trainWindows` training windows under the 70% split.
  const rows = Math.ceil((def.trainWindows + params.seq_length) / params.train_fraction);
  const bars = cleanBars(readBundledCsv('MSFT.csv')).bars.slice(-rows);
  const data = prepareDataset(bars, params);
  const spec = modelSpec(params, data.features.length);
  const model: ForecastModel = engine === 'fused' ? FusedLstmModel.build(spec) : TfjsLstmModel.build(spec);
  const cpuSeconds = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const stamps = [performance.now()];
  const cpu0 = cpuSeconds();
  const fit = await model.fit(data.train, data.validation, {
    epochs,
    batchSize: 32,
    patience: 1000,
    onEpoch: () => void stamps.push(performance.now()),
  });
  const cpuPerEpoch = (cpuSeconds() - cpu0) / Math.max(1, stamps.length - 1);
  const epochSeconds = stamps.slice(1).map((t, i) => (t - stamps[i]) / 1000);
  const predictor = createPredictor(model, preprocessingJSON(data));
  const window = data.raw.slice(-params.seq_length).map((r) => r.slice(0, data.features.length));
  for (let i = 0; i < 5; i++) predictor.predict(window);
  const times: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    predictor.predict(window);
    times.push(performance.now() - t0);
  }
  predictor.dispose();
  times.sort((a, b) => a - b);
  const round = (v: number, d = 3) => Number(v.toFixed(d));
  return {
    model: name,
    architecture: def.label,
    engine,
    backend: model.backend,
    train_windows: data.train.count,
    epochs: epochSeconds.length,
    epoch_seconds: epochSeconds.map((s) => round(s)),
    seconds_per_epoch: round(epochSeconds.reduce((a, b) => a + b, 0) / epochSeconds.length),
    steady_seconds_per_epoch: round(epochSeconds[epochSeconds.length - 1]),
    cpu_seconds_per_epoch: round(cpuPerEpoch),
    predict_median_ms: round(quantile(times, 0.5)),
    predict_p95_ms: round(quantile(times, 0.95)),
    last_val_loss: round(fit.history[fit.history.length - 1]?.val_loss ?? NaN, 6),
    gflops_per_cpu_second: round(epochFlops(spec, data.train.count) / cpuPerEpoch / 1e9, 1),
  };
}

function epochFlops(spec: Parameters<typeof lstmTrainFlops>[0], windows: number): number {
  let flops = 0;
  for (let first = 0; first < windows; first += 32) flops += lstmTrainFlops(spec, Math.min(32, windows - first));
  return flops;
}

async function main(): Promise<void> {
  const o = options();
  const results: CaseResult[] = [];
  const skipped: Array<{ engine: string; reason: string }> = [];
  for (const engine of o.engines) {
    let backend = 'wasm-simd';
    if (engine !== 'fused') {
      const preferred = engine.replace(/^tfjs-/, '') as BackendPreference;
      const logs: string[] = [];
      backend = await initBackend(preferred, (m) => logs.push(m));
      if (backend !== (preferred === 'node' ? 'tensorflow' : preferred)) {
        skipped.push({ engine, reason: logs.join('; ') });
        continue;
      }
    } else {
      await initBackend('wasm'); // the predictor and save path still touch tfjs
    }
    for (const name of o.models) {
      const r = await runCase(name, engine, backend, o.epochs ?? (engine === 'fused' ? 3 : 2), o.calls);
      process.stderr.write(
        `${name} on ${engine}: ${r.cpu_seconds_per_epoch} cpu s/epoch, predict ${r.predict_median_ms} ms\n`,
      );
      results.push(r);
    }
  }
  const gemm: Record<string, GemmResult[]> = {
    reference: gemmKernelBench(50, 32, 60),
    small: gemmKernelBench(32, 32, 20),
  };
  const torch: TorchResult[] = [];
  if (o.torch) {
    for (const name of o.models) {
      const r = runTorch(MODELS[name].params, MODELS[name].trainWindows, 3);
      if ('skipped' in r) {
        skipped.push({ engine: 'pytorch', reason: r.skipped });
        break;
      }
      torch.push({ ...r, model: name });
    }
  }
  const report = {
    bench: 'training',
    node: process.version,
    tfjs: tf.version.tfjs,
    cpus: os.cpus().length,
    cpu_model: os.cpus()[0]?.model,
    loadavg_1m: Number(os.loadavg()[0].toFixed(2)),
    results,
    pytorch: torch,
    gemm_kernels: gemm,
    skipped,
  };
  printJsonLine(report);
  const file = writeResults(path.join(__dirname, '..', '..', 'bench', 'results'), 'training', report);
  const rows = [
    ...results.map((r) => [
      r.model,
      r.backend,
      r.train_windows,
      r.epoch_seconds.join(' / '),
      r.cpu_seconds_per_epoch,
      r.gflops_per_cpu_second,
      r.predict_median_ms,
      r.predict_p95_ms,
    ]),
    ...torch.map((t) => [
      t.model,
      `pytorch ${t.torch} (1 thread)`,
      t.train_windows,
      t.epoch_seconds.join(' / '),
      t.cpu_seconds_per_epoch,
      Number((epochFlops(t.shape, t.train_windows) / t.cpu_seconds_per_epoch / 1e9).toFixed(1)),
      t.predict_median_ms,
      t.predict_p95_ms,
    ]),
  ];
  const headers = [
    'model',
    'engine',
    'windows',
    'wall s per epoch',
    'cpu s/epoch',
    'GFLOP/s',
    'predict p50 ms',
    'p95 ms',
  ];
  process.stdout.write(`\n${table(headers, rows)}\n`);
  const gemmRows = Object.entries(gemm).flatMap(([m, list]) => list.map((g) => [m, g.product, g.shape, g.gflops]));
  process.stdout.write(
    `\nfused GEMM kernels (median):\n${table(['model', 'product', 'shape', 'GFLOP/s'], gemmRows)}\n`,
  );
  process.stdout.write(
    `load average (1 min) ${report.loadavg_1m} on ${report.cpus} cpus: wall times grow with load, cpu s/epoch does not\n`,
  );
  for (const s of skipped) process.stdout.write(`skipped ${s.engine}: ${s.reason}\n`);
  process.stdout.write(`results: ${file}\n`);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
