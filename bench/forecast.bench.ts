import { parseArgs } from 'node:util';
import * as os from 'node:os';
import * as path from 'node:path';
import { readBundledCsv } from '../src/training/core/series/bundled-data';
import { cleanBars } from '../src/training/core/series/cleaning';
import { parseParams } from '../src/training/core/models/hyperparams';
import { trainForecaster } from '../src/training/core/models/train';
import { printJsonLine, table, writeResults } from './lib/report';
import { runPanelBench } from './panel.bench';

/**
 * Forecast quality benchmark: trains the default model (return target, default params) on
 * the latest sessions of each bundled ticker and reports what issue 10 asks to watch: test
 * skill against persistence with its Diebold-Mariano p-value, direction accuracy, and the
 * empirical coverage / interval skill of the conformal intervals against the naive
 * (historical-quantile) interval.
 */
const USAGE = `Usage: node dist/bench/forecast.bench.js [options]
  --tickers A,B   bundled tickers (default MSFT,AAPL,PETR4.SA,BTC-USD)
  --rows N        latest sessions per ticker (default 2520, about ten years)
  --epochs N      epochs (default: the default param, 10, with early stopping)
  --params JSON   extra training params (e.g. '{"target":"level"}')
  --panel NAME    instead: the M4 table of every model family on a panel (m4-weekly, synthetic-hourly; --help with it)
`;

const KEYS = [
  'val_skill',
  'test_skill',
  'test_dm_stat',
  'test_dm_pvalue',
  'test_skill_drift',
  'test_skill_seasonal',
  'test_direction_accuracy',
  'test_coverage_80',
  'test_coverage_95',
  'test_interval_skill_80',
  'test_interval_skill_95',
  'naive_test_coverage_80',
] as const;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      tickers: { type: 'string' },
      rows: { type: 'string' },
      epochs: { type: 'string' },
      params: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return void process.stdout.write(USAGE);
  const tickers = (values.tickers ?? 'MSFT,AAPL,PETR4.SA,BTC-USD').split(',');
  const rows = Number(values.rows ?? 2520);
  const extra = values.params ? (JSON.parse(values.params) as Record<string, unknown>) : {};
  const params = parseParams({ ...(values.epochs ? { epochs: Number(values.epochs) } : {}), ...extra });
  const results = [];
  for (const ticker of tickers) {
    const bars = cleanBars(readBundledCsv(`${ticker}.csv`)).bars.slice(-rows);
    const t0 = performance.now();
    const r = await trainForecaster({ bars, params });
    r.model.dispose();
    const metrics = Object.fromEntries(KEYS.map((k) => [k, Number((r.metrics[k] ?? NaN).toFixed(4))])) as Record<
      (typeof KEYS)[number],
      number
    >;
    results.push({
      ticker,
      rows: bars.length,
      first_date: bars[0].date,
      last_date: bars[bars.length - 1].date,
      test_days: r.windows.test,
      best_epoch: r.bestEpoch,
      seconds: Number(((performance.now() - t0) / 1000).toFixed(1)),
      ...metrics,
    });
  }
  const out = { bench: 'forecast', params, loadavg: os.loadavg(), results };
  printJsonLine(out);
  const head = ['ticker', 'skill', 'dm p', 'val skill', 'dir acc', 'cov80', 'cov95', 'int skill80', 'naive cov80', 's'];
  process.stdout.write(
    `${table(
      head,
      results.map((r) => [
        r.ticker,
        r.test_skill,
        r.test_dm_pvalue,
        r.val_skill,
        r.test_direction_accuracy,
        r.test_coverage_80,
        r.test_coverage_95,
        r.test_interval_skill_80,
        r.naive_test_coverage_80,
        r.seconds,
      ]),
    )}\nload average: ${os
      .loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}\n`,
  );
  writeResults(path.join('bench', 'results'), 'forecast', out);
}

// `--panel NAME`: the M4-style table over a panel of series (bench/panel.bench.ts).
const entry = process.argv.includes('--panel') ? () => runPanelBench(process.argv.slice(2)) : main;
entry().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
