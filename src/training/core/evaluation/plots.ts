import { pathToFileURL } from 'url';
import * as vm from 'vm';
import type { EpochLog } from '../models/forecast-model';

/**
 * vega@6 and vega-lite@6 are ESM-only with top-level await: `require()` fails with
 * ERR_REQUIRE_ASYNC_MODULE, and TypeScript rewrites `import()` into `require()` under
 * `module: commonjs`. A Function-built import() is left alone by the compiler and works in
 * plain Node. vitest evaluates modules in a vm without an import callback ("A dynamic import
 * callback was not specified"), so there we fall back to a vm.Script that uses Node's default
 * loader (experimental in Node 20: it prints one ExperimentalWarning, in tests only).
 * Modules are imported by resolved file URL so the result does not depend on the cwd.
 */
const functionImport = new Function('s', 'return import(s)') as (specifier: string) => Promise<unknown>;

async function esmImport(name: string): Promise<unknown> {
  const url = pathToFileURL(require.resolve(name)).href;
  try {
    return await functionImport(url);
  } catch (err) {
    const loader = vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
    if (!/dynamic import callback/.test((err as Error).message) || loader === undefined) throw err;
    const script = new vm.Script('(s) => import(s)', { filename: __filename, importModuleDynamically: loader });
    return (script.runInThisContext() as (s: string) => Promise<unknown>)(url);
  }
}

interface VegaLiteModule {
  compile(spec: object): { spec: object };
}
interface VegaView {
  toSVG(): Promise<string>;
  finalize(): void;
}
interface VegaModule {
  parse(spec: object): object;
  View: new (runtime: object, options: { renderer: 'none' }) => VegaView;
}

let modules: Promise<{ vl: VegaLiteModule; vega: VegaModule }> | null = null;

function loadVega(): Promise<{ vl: VegaLiteModule; vega: VegaModule }> {
  modules ??= Promise.all([esmImport('vega-lite'), esmImport('vega')]).then(([vl, vega]) => ({
    vl: vl as VegaLiteModule,
    vega: vega as VegaModule,
  }));
  modules.catch(() => (modules = null));
  return modules;
}

/** Compiles a Vega-Lite spec and renders it headless to a standalone SVG document. */
export async function renderVegaLiteSvg(spec: object): Promise<string> {
  const { vl, vega } = await loadVega();
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const SIZE = { width: 720, height: 320 };

export interface PredictionPoint {
  date: string;
  actual: number;
  predicted: number;
  naive?: number;
  /** The prediction interval (the first level, e.g. 80%), drawn as a band. */
  lower?: number;
  upper?: number;
}

/** Actual vs predicted close over the test period (plus the naive baseline and the interval band when present). */
export function predictionsSpec(
  points: readonly PredictionPoint[],
  title = 'Test period: actual vs predicted close',
): object {
  const values = points.flatMap((p) => [
    { date: p.date, series: 'actual', value: p.actual },
    { date: p.date, series: 'predicted', value: p.predicted },
    ...(p.naive !== undefined ? [{ date: p.date, series: 'naive (last close)', value: p.naive }] : []),
  ]);
  // ISO dates are UTC midnight: a utc scale keeps the labels on the right day in any time zone.
  const x = { field: 'date', type: 'temporal', title: 'date', scale: { type: 'utc' } };
  const lines = {
    data: { values },
    mark: { type: 'line', strokeWidth: 1.5 },
    encoding: {
      x,
      y: { field: 'value', type: 'quantitative', title: 'close', scale: { zero: false } },
      color: { field: 'series', type: 'nominal', title: null },
      strokeDash: { condition: { test: "datum.series === 'naive (last close)'", value: [4, 3] }, value: [1, 0] },
    },
  };
  const band = points.filter((p) => p.lower !== undefined && p.upper !== undefined);
  const area = {
    data: { values: band.map((p) => ({ date: p.date, lower: p.lower, upper: p.upper })) },
    mark: { type: 'area', opacity: 0.18, color: '#4c78a8' },
    encoding: { x, y: { field: 'lower', type: 'quantitative', scale: { zero: false } }, y2: { field: 'upper' } },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    ...SIZE,
    background: 'white',
    layer: band.length > 0 ? [area, lines] : [lines],
  };
}

/** Training and validation loss per epoch. */
export function lossSpec(history: readonly EpochLog[], title = 'Loss per epoch'): object {
  const values = history.flatMap((h) => [
    { epoch: h.epoch, series: 'loss', value: h.loss },
    { epoch: h.epoch, series: 'val_loss', value: h.val_loss },
  ]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    ...SIZE,
    background: 'white',
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } },
      y: { field: 'value', type: 'quantitative', title: 'loss', scale: { zero: false } },
      color: { field: 'series', type: 'nominal', title: null },
    },
  };
}

export function renderPredictionsSvg(points: readonly PredictionPoint[], title?: string): Promise<string> {
  return renderVegaLiteSvg(predictionsSpec(points, title));
}

export function renderLossSvg(history: readonly EpochLog[], title?: string): Promise<string> {
  return renderVegaLiteSvg(lossSpec(history, title));
}
