import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { BackendPreference, initBackend } from '../src/training/core/backend';
import { readBundledCsv } from '../src/training/core/bundled-data';
import { cleanBars } from '../src/training/core/cleaning';
import { prepareDataset, preprocessingJSON } from '../src/training/core/dataset';
import { parseParams, TrainingParams } from '../src/training/core/hyperparams';
import { TfjsLstmModel } from '../src/training/core/engines/tfjs/tfjs-lstm.model';
import { createPredictor } from '../src/training/core/predictor';
import { modelSpec } from '../src/training/core/train';
import { printJsonLine, table, writeResults } from './lib/report';

/**
 * Training benchmark: seconds per epoch and single-window predict latency of the tfjs-layers
 * LSTM on real MSFT closes, per available backend. The reference model is the classic Keras
 * tutorial network (window 60, LSTM(50) x2 + dropout 0.2, Dense(1), ~1500 windows, batch 32).
 */
const USAGE = `Usage: node dist/bench/training.bench.js [options]
  --backends A,B   backends to measure (default wasm,cpu; node = tfjs-node when installed)
  --models A,B     reference,small (default both)
  --epochs N       epochs per case (default 2; epoch 1 includes warm-up)
  --calls N        predict calls for the latency median (default 100)
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
}

function options() {
  const { values } = parseArgs({
    options: {
      backends: { type: 'string' },
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
    backends: (values.backends ?? 'wasm,cpu').split(',').map((s) => s.trim()) as BackendPreference[],
    models,
    epochs: Number(values.epochs ?? 2),
    calls: Number(values.calls ?? 100),
  };
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function runCase(name: string, backend: string, epochs: number, calls: number): Promise<CaseResult> {
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
  const model = TfjsLstmModel.build(modelSpec(params, data.features.length));
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
    backend,
    train_windows: data.train.count,
    epochs: epochSeconds.length,
    epoch_seconds: epochSeconds.map((s) => round(s)),
    seconds_per_epoch: round(epochSeconds.reduce((a, b) => a + b, 0) / epochSeconds.length),
    steady_seconds_per_epoch: round(epochSeconds[epochSeconds.length - 1]),
    cpu_seconds_per_epoch: round(cpuPerEpoch),
    predict_median_ms: round(quantile(times, 0.5)),
    predict_p95_ms: round(quantile(times, 0.95)),
    last_val_loss: round(fit.history[fit.history.length - 1]?.val_loss ?? NaN, 6),
  };
}

async function main(): Promise<void> {
  const o = options();
  const results: CaseResult[] = [];
  const skipped: Array<{ backend: string; reason: string }> = [];
  for (const preferred of o.backends) {
    const logs: string[] = [];
    const backend = await initBackend(preferred, (m) => logs.push(m));
    const expected = preferred === 'node' ? 'tensorflow' : preferred;
    if (backend !== expected) {
      skipped.push({ backend: preferred, reason: logs.join('; ') });
      continue;
    }
    for (const name of o.models) {
      const r = await runCase(name, backend, o.epochs, o.calls);
      process.stderr.write(
        `${name} on ${backend}: ${r.seconds_per_epoch} s/epoch, predict ${r.predict_median_ms} ms\n`,
      );
      results.push(r);
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
    skipped,
  };
  printJsonLine(report);
  const file = writeResults(path.join(__dirname, '..', '..', 'bench', 'results'), 'training', report);
  const rows = results.map((r) => [
    r.model,
    r.backend,
    r.train_windows,
    r.epoch_seconds.join(' / '),
    r.cpu_seconds_per_epoch,
    r.predict_median_ms,
    r.predict_p95_ms,
  ]);
  process.stdout.write(
    `\n${table(['model', 'backend', 'windows', 'wall s per epoch', 'cpu s/epoch', 'predict p50 ms', 'predict p95 ms'], rows)}\n`,
  );
  process.stdout.write(
    `load average (1 min) ${report.loadavg_1m} on ${report.cpus} cpus: wall times grow with load, cpu s/epoch does not\n`,
  );
  for (const s of skipped) process.stdout.write(`skipped ${s.backend}: ${s.reason}\n`);
  process.stdout.write(`results: ${file}\n`);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
