import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { backtest } from '../src/training/core/evaluation/backtest';
import { OriginScore, panelScore, PanelScore, scoreOrigin } from '../src/training/core/evaluation/panel-scores';
import { MODEL_FAMILY_NAMES, modelFamily } from '../src/training/core/models';
import { naive2Forecast } from '../src/training/core/models/naive2';
import { BenchPanel, benchPanel } from './lib/panels';
import { printJsonLine, table, writeResults } from './lib/report';

/**
 * The M4 table: every family (and the ensemble) fitted on every series of a panel, scored on its
 * held-out horizon the M4 way (sMAPE, MASE, OWA against Naive2 on the same origins, MSIS of the
 * 95% interval, coverage of the 80% one), next to M4's published figures and — when Debian's
 * python3-statsmodels is installed — statsmodels' ETS and Theta on the same series.
 */
export const PANEL_USAGE = `Usage: node dist/bench/forecast.bench.js --panel m4-weekly|synthetic-hourly|hourly [options]
  --families a,b   families (default: all)
  --limit N        first N series only (synthetic-hourly: N series, default 400)
  --params JSON    params per family, e.g. '{"global_mlp":{"steps":3000}}'
  --threads N      threads a data-parallel family (global_mlp) trains on (default 1)
  --python         also run statsmodels (scripts/statsmodels_m4.py; M4 panels only)
`;

interface Row {
  family: string;
  score: PanelScore;
  fitSeconds: number;
  forecastSeconds: number;
}

function statsmodelsSide(bench: BenchPanel, limit: number): Row[] {
  if (!bench.trainFile) return [];
  const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import statsmodels']).status === 0);
  if (!python) {
    process.stderr.write('python3-statsmodels not installed: skipping the statsmodels columns\n');
    return [];
  }
  const period = bench.panel.seasonalPeriods[0] ?? 1;
  const args = [path.resolve('scripts/statsmodels_m4.py'), bench.trainFile, String(bench.horizon), String(period)];
  if (Number.isFinite(limit)) args.push(String(limit));
  const run = spawnSync(python, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`statsmodels side failed: ${run.stderr}`);
  const out = JSON.parse(run.stdout) as {
    seconds: Record<string, number>;
    forecasts: Record<string, Record<string, number[] | null>>;
  };
  return Object.entries(out.forecasts).map(([method, bySeries]) => {
    const scores: OriginScore[] = [];
    for (const s of bench.panel.series) {
      const mean = bySeries[s.id];
      if (!mean) continue;
      const insample = s.values.slice(0, s.values.length - bench.horizon);
      const actual = s.values.slice(s.values.length - bench.horizon);
      const baseline = naive2Forecast(insample, bench.m4Period, bench.horizon, []);
      scores.push(
        scoreOrigin(s.id, insample, actual, { mean: Float64Array.from(mean), intervals: [] }, baseline, bench.m4Period),
      );
    }
    return {
      family: `statsmodels ${method}`,
      score: panelScore(scores),
      fitSeconds: out.seconds[method],
      forecastSeconds: 0,
    };
  });
}

const fixed = (v: number | undefined, digits: number) =>
  v === undefined || !Number.isFinite(v) ? '' : v.toFixed(digits);

export async function runPanelBench(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      panel: { type: 'string' },
      families: { type: 'string' },
      limit: { type: 'string' },
      params: { type: 'string' },
      python: { type: 'boolean' },
      threads: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help || !values.panel) return void process.stdout.write(PANEL_USAGE);
  const limit = values.limit ? Number(values.limit) : Infinity;
  const bench = benchPanel(values.panel, process.cwd(), limit);
  const families = values.families ? values.families.split(',') : [...MODEL_FAMILY_NAMES];
  const params = (values.params ? JSON.parse(values.params) : {}) as Record<string, Record<string, unknown>>;
  const rows: Row[] = [];
  for (const name of families) {
    const r = await backtest(modelFamily(name), bench.panel, {
      horizon: bench.horizon,
      masePeriod: bench.m4Period,
      naive2Period: bench.m4Period,
      levels: [0.8, 0.95],
      params: params[name] ?? {},
      seed: 1,
      threads: values.threads ? Number(values.threads) : 1,
    });
    rows.push({ family: name, score: r.panel, fitSeconds: r.fitMs / 1000, forecastSeconds: r.forecastMs / 1000 });
    process.stderr.write(
      `${name}: OWA ${r.panel.owa.toFixed(3)} in ${((r.fitMs + r.forecastMs) / 1000).toFixed(1)} s\n`,
    );
  }
  if (values.python) rows.push(...statsmodelsSide(bench, limit));
  const loadavg = os.loadavg();
  const out = {
    bench: 'forecast-panel',
    panel: bench.name,
    series: bench.panel.series.length,
    horizon: bench.horizon,
    m4_period: bench.m4Period,
    loadavg,
    cpus: os.cpus().length,
    results: rows.map((r) => ({
      family: r.family,
      smape: r.score.smape,
      mase: r.score.mase,
      owa: r.score.owa,
      msis: r.score.msis,
      coverage80: r.score.coverageAll['0.8'],
      coverage95: r.score.coverageAll['0.95'],
      coverage80_per_step: r.score.coverage['0.8'],
      fit_seconds: r.fitSeconds,
      forecast_seconds: r.forecastSeconds,
    })),
    published: bench.published,
  };
  printJsonLine(out);
  const head = ['family', 'sMAPE', 'MASE', 'OWA', 'MSIS', 'cov80', 'cov95', 'fit s', 'forecast s'];
  const measured = rows.map((r) => [
    r.family,
    fixed(r.score.smape, 3),
    fixed(r.score.mase, 3),
    fixed(r.score.owa, 3),
    fixed(r.score.msis, 2),
    fixed(r.score.coverageAll['0.8'], 3),
    fixed(r.score.coverageAll['0.95'], 3),
    r.fitSeconds.toFixed(1),
    r.forecastSeconds.toFixed(1),
  ]);
  const published = bench.published.map((p) => [
    `M4 published: ${p.method}`,
    fixed(p.smape, 3),
    fixed(p.mase, 3),
    p.owa.toFixed(3),
    '',
    '',
    '',
    '',
    '',
  ]);
  process.stdout.write(
    `${bench.name}: ${bench.panel.series.length} series, horizon ${bench.horizon}, MASE/Naive2 period ${bench.m4Period}\n` +
      `${table(head, [...measured, ...published])}\nload average: ${loadavg.map((v) => v.toFixed(2)).join(' ')} (${os.cpus().length} cpus)\n`,
  );
  writeResults(path.join('bench', 'results'), `forecast-${bench.name}`, out);
}
