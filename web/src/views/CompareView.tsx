import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ReactNode, RefObject, useCallback, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ML, post } from '../api/client';
import { sampledHistories } from '../api/history';
import type { Experiment, Run } from '../api/types';
import { ErrorBox, Loading } from '../components/ErrorBox';
import { EChart, EChartOption } from '../components/EChart';
import { LazyMount } from '../components/LazyMount';
import { ChartControls, ChartOptions, MetricCard } from '../components/MetricCard';
import { colorOf } from '../components/UPlotChart';
import { bestRun, CompareRun, diffRows } from '../lib/compare';
import { fmtNum } from '../lib/format';
import { RunRow, toRow } from '../lib/runs';
import { toHistory } from '../lib/series';
import { markCompare } from '../lib/perf';

const MAX_RUNS = 2000;
const CHART_HEIGHT = 270;
const EMPTY = toHistory([]);

async function experimentIds(param: string | null): Promise<string[]> {
  if (param) return param.split(',').filter(Boolean);
  const all = await post<{ experiments?: Experiment[] }>(`${ML}/experiments/search`, {
    max_results: 1000,
    view_type: 'ALL',
  });
  return (all.experiments ?? []).map((e) => e.experiment_id);
}

/** Every run one search filter matches, page by page, up to `limit`. */
async function searchAll(experiments: string[], filter: string, limit: number): Promise<RunRow[]> {
  const out: RunRow[] = [];
  let token: string | undefined;
  do {
    const page = await post<{ runs?: Run[]; next_page_token?: string }>(`${ML}/runs/search`, {
      experiment_ids: experiments,
      filter: filter || undefined,
      max_results: Math.min(1000, limit - out.length),
      page_token: token,
      run_view_type: 'ALL',
    });
    out.push(...(page.runs ?? []).map(toRow));
    token = page.next_page_token;
  } while (token && out.length < limit);
  return out;
}

async function loadRuns(ids: string[], experiments: string[], filter: string | null, limit: number): Promise<RunRow[]> {
  if (!ids.length) return searchAll(experiments, filter ?? '', limit);
  // One search per 100 ids keeps each filter small; the searches run at once, not one after another.
  const quoted = ids.map((id) => `'${id.replace(/[^0-9a-zA-Z-]/g, '')}'`);
  const pages = await Promise.all(
    chunk(quoted, 100).map((q) => searchAll(experiments, `attributes.run_id IN (${q.join(',')})`, q.length)),
  );
  const order = new Map(ids.map((id, i) => [id, i]));
  return pages.flat().sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
}

function chunk<T>(list: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += n) out.push(list.slice(i, i + n));
  return out;
}

/** A chart's width in CSS pixels, measured once it is laid out (the sampled histories' target). */
function useWidth(): [RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => setWidth(Math.round(ref.current?.clientWidth ?? 0)), []);
  return [ref, width];
}

function CompareChart(props: { runs: RunRow[]; metric: string; options: ChartOptions; points?: number }) {
  const { runs, metric } = props;
  const ids = useMemo(() => runs.map((r) => r.id), [runs]);
  const [ref, width] = useWidth();
  // As many points per line as the canvas has device pixels: more cannot be seen.
  const points = props.points ?? Math.round(Math.max(200, width) * Math.min(2, window.devicePixelRatio || 1));
  const withTime = props.options.axis === 'time';
  const history = useQuery({
    queryKey: ['sampled-history', metric, points, withTime, ids],
    enabled: width > 0,
    // A compare is a snapshot: histories are refetched on demand (Refresh), not behind the user's back.
    staleTime: Infinity,
    queryFn: async () => {
      const data = (await sampledHistories(ids, [metric], points, withTime)).get(metric)!;
      markCompare('data', metric);
      return data;
    },
  });
  const series = useMemo(
    () =>
      history.data
        ? runs.map((r) => ({ id: r.id, label: r.name, points: history.data.get(r.id) ?? EMPTY }))
        : undefined,
    [history.data, runs],
  );
  const onDrawn = useCallback(() => markCompare('drawn', metric), [metric]);
  let body: ReactNode;
  if (history.error) body = <ErrorBox error={history.error} title={`Could not load ${metric}`} />;
  else if (!series) body = <Loading what={metric} />;
  // A metric logged once per run (test scores) reads better as bars than as dots.
  else if (series.every((s) => s.points.value.length <= 1))
    body = <BarCard metric={metric} runs={runs} onDrawn={onDrawn} />;
  else body = <MetricCard title={metric} runs={series} options={props.options} onDrawn={onDrawn} />;
  // The chart's height while loading too: the page below does not jump up (and mount its own heavy charts) meanwhile.
  return (
    <div ref={ref} style={{ minHeight: CHART_HEIGHT }}>
      {body}
    </div>
  );
}

function BarCard({ metric, runs, onDrawn }: { metric: string; runs: RunRow[]; onDrawn: () => void }) {
  const option = useMemo<EChartOption>(() => {
    const best = bestRun(runs as CompareRun[], metric);
    return {
      grid: { left: 60, right: 16, top: 16, bottom: 40 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: runs.map((r) => r.name), axisLabel: { show: runs.length <= 30, rotate: 30 } },
      yAxis: { type: 'value', scale: true },
      series: [
        {
          type: 'bar',
          large: runs.length > 300,
          data: runs.map((r) => ({
            value: r.metrics[metric] ?? null,
            itemStyle: { color: r.id === best ? '#16a34a' : '#94a3b8' },
          })),
        },
      ],
    };
  }, [runs, metric]);
  return (
    <div className="card metric-card" data-metric={metric}>
      <h3>
        {metric} <span className="muted small">(one value per run; best in green)</span>
      </h3>
      <EChart option={option} height={220} onRendered={onDrawn} />
    </div>
  );
}

function DiffTable({ runs, onlyDiff }: { runs: RunRow[]; onlyDiff: boolean }) {
  const rows = useMemo(() => diffRows(runs as CompareRun[]), [runs]);
  const shown = rows.filter((r) => !onlyDiff || r.differs || runs.length === 1);
  const best = new Map(rows.filter((r) => r.best).map((r) => [r.key, r.best]));
  const shared = useMemo(() => {
    const params = new Set(rows.filter((r) => r.kind === 'param').map((r) => r.key));
    return new Set(rows.filter((r) => r.kind === 'metric' && params.has(r.key)).map((r) => r.key));
  }, [rows]);
  return (
    <div className="scroll-x diff">
      <table className="grid-table" data-testid="diff-table">
        <thead>
          <tr>
            <th>Run</th>
            {shown.map((r) => (
              <th key={`${r.kind}:${r.key}`} className={r.kind} title={r.goal ? `best = ${r.goal}` : 'param'}>
                {shared.has(r.key) ? `${r.key} (${r.kind})` : r.key}
                {r.goal && <span className="muted small"> ({r.goal})</span>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {runs.map((run, i) => (
            <tr key={run.id}>
              <th>
                <span className="swatch" style={{ background: colorOf(i) }} />
                <Link to={`/experiments/${run.experimentId}/runs/${run.id}`}>{run.name}</Link>
              </th>
              {shown.map((r) => {
                const isBest = r.kind === 'metric' && best.get(r.key) === run.id;
                return (
                  <td key={`${r.kind}:${r.key}`} className={`${r.differs ? 'differs' : ''}${isBest ? ' best' : ''}`}>
                    {r.kind === 'param' ? run.params[r.key] : fmtNum(run.metrics[r.key])}
                    {isBest && ' ★'}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** `text` cut to `n` characters with an ellipsis. */
export const truncate = (text: string, n: number) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);

function numeric(values: (string | undefined)[]): boolean {
  return values.every((v) => v === undefined || v === '' || Number.isFinite(Number(v)));
}

function Parallel({ runs }: { runs: RunRow[] }) {
  const option = useMemo<EChartOption>(() => {
    const rows = diffRows(runs as CompareRun[]);
    const dims = [
      ...rows.filter((r) => r.kind === 'param' && r.differs),
      ...rows.filter((r) => r.kind === 'metric'),
    ].slice(0, 14);
    const axes = dims.map((d, i) => {
      const values = runs.map((r) => (d.kind === 'param' ? r.params[d.key] : String(r.metrics[d.key] ?? '')));
      const isNum = d.kind === 'metric' || numeric(values);
      const categories = isNum ? undefined : [...new Set(values.filter((v) => v !== undefined))].sort();
      return {
        dim: i,
        name: truncate(d.key, 18),
        type: isNum ? 'value' : 'category',
        data: categories,
        nameTextStyle: { fontSize: 11 },
        // Text params (git_sha, paths): short labels, at most ~12 shown per axis, full value in the tooltip.
        axisLabel: categories
          ? {
              formatter: (v: string) => truncate(v, 10),
              interval: Math.max(0, Math.ceil(categories.length / 12) - 1),
              fontSize: 10,
            }
          : { fontSize: 10 },
      };
    });
    const data = runs.map((r) =>
      dims.map((d, i) => {
        const v = d.kind === 'param' ? r.params[d.key] : r.metrics[d.key];
        return axes[i].type === 'value' ? (v === undefined ? null : Number(v)) : v;
      }),
    );
    const last = dims.length - 1;
    const lastValues = data.map((d) => d[last]).filter((v): v is number => typeof v === 'number');
    return {
      parallelAxis: axes,
      parallel: { left: 40, right: 80, top: 40, bottom: 30 },
      visualMap:
        lastValues.length > 0 && axes[last]?.type === 'value'
          ? {
              show: false,
              dimension: last,
              min: Math.min(...lastValues),
              max: Math.max(...lastValues),
              inRange: { color: ['#16a34a', '#ca8a04', '#dc2626'] },
            }
          : undefined,
      series: [
        { type: 'parallel', data, lineStyle: { width: 1, opacity: runs.length > 200 ? 0.25 : 0.6 }, progressive: 500 },
      ],
    };
  }, [runs]);
  return <EChart option={option} />;
}

function Scatter({ runs }: { runs: RunRow[] }) {
  const rows = useMemo(() => diffRows(runs as CompareRun[]), [runs]);
  const keys = rows.map((r) => `${r.kind === 'param' ? 'params' : 'metrics'}.${r.key}`);
  const metrics = rows.filter((r) => r.kind === 'metric').map((r) => `metrics.${r.key}`);
  const [x, setX] = useState<string>();
  const [y, setY] = useState<string>();
  const xKey = x ?? keys.find((k) => k.startsWith('params.')) ?? keys[0];
  const yKey = y ?? metrics[0];
  const value = (r: RunRow, k: string | undefined) => {
    if (!k) return undefined;
    const [kind, ...rest] = k.split('.');
    const v = kind === 'params' ? r.params[rest.join('.')] : r.metrics[rest.join('.')];
    return v === undefined ? undefined : v;
  };
  const xNumeric = numeric(runs.map((r) => (value(r, xKey) === undefined ? undefined : String(value(r, xKey)))));
  const option = useMemo<EChartOption>(() => {
    const points = runs
      .map((r) => [xNumeric ? Number(value(r, xKey)) : value(r, xKey), Number(value(r, yKey)), r.name])
      .filter((p) => p[0] !== undefined && Number.isFinite(p[1] as number));
    return {
      grid: { left: 60, right: 20, top: 20, bottom: 50 },
      tooltip: {
        formatter: (p: { data: unknown[] }) => `${p.data[2]}<br/>${xKey}: ${p.data[0]}<br/>${yKey}: ${p.data[1]}`,
      },
      xAxis: { type: xNumeric ? 'value' : 'category', name: xKey, nameLocation: 'middle', nameGap: 30, scale: true },
      yAxis: { type: 'value', name: yKey, scale: true },
      series: [{ type: 'scatter', data: points, symbolSize: 7, large: runs.length > 2000 }],
    };
  }, [runs, xKey, yKey, xNumeric]);
  return (
    <div>
      <div className="toolbar">
        <label>
          X{' '}
          <select aria-label="Scatter X" value={xKey} onChange={(e) => setX(e.target.value)}>
            {keys.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </label>
        <label>
          Y{' '}
          <select aria-label="Scatter Y" value={yKey} onChange={(e) => setY(e.target.value)}>
            {metrics.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </label>
      </div>
      <EChart option={option} height={320} />
    </div>
  );
}

export function CompareView() {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const selection = params.get('selection');
  const stored = selection
    ? (JSON.parse(sessionStorage.getItem(`tsflow.compare.${selection}`) ?? '[]') as string[])
    : [];
  const ids = (params.get('runs')?.split(',') ?? stored).filter(Boolean).slice(0, MAX_RUNS);
  const filter = params.get('filter');
  const limit = Math.min(MAX_RUNS, Number(params.get('limit') ?? 100) || 100);
  const exps = params.get('experiments') ?? params.get('experiment');
  const runs = useQuery({
    queryKey: ['compare-runs', ids, exps, filter, limit],
    staleTime: Infinity,
    enabled: ids.length > 0 || !!exps,
    queryFn: async () => loadRuns(ids, await experimentIds(exps), filter, ids.length || limit),
  });
  const [options, setOptions] = useState<ChartOptions>({ axis: 'step', smoothing: 0, logY: false });
  const [onlyDiff, setOnlyDiff] = useState(true);
  const [q, setQ] = useState('');
  const list = runs.data;
  const metricKeys = useMemo(() => [...new Set((list ?? []).flatMap((r) => Object.keys(r.metrics)))].sort(), [list]);
  const requested = Number(params.get('points')) || undefined;
  if (ids.length === 0 && !exps) {
    return (
      <section>
        <h1>Compare runs</h1>
        <p className="muted">
          Select runs in an experiment's table and press Compare. <Link to="/experiments">Experiments</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="compare">
      <h1>
        Compare {list ? `${list.length} runs` : 'runs'}
        <button className="small-btn" onClick={() => navigate(-1)}>
          Back
        </button>
        <button
          className="small-btn"
          onClick={() => {
            void qc.invalidateQueries({ queryKey: ['compare-runs'] });
            void qc.invalidateQueries({ queryKey: ['sampled-history'] });
          }}
        >
          Refresh
        </button>
      </h1>
      <ErrorBox error={runs.error} title="Could not load the runs" />
      {runs.isLoading && <Loading what="runs" />}
      {list && list.length === 0 && <p className="muted">None of these runs exist.</p>}
      {list && list.length > 0 && (
        <>
          <h2>Metric histories</h2>
          <div className="toolbar">
            <input
              type="search"
              placeholder="Filter metrics"
              aria-label="Filter metrics"
              value={q}
              onChange={(e) => setQ(e.target.value)}
            />
            <ChartControls value={options} onChange={setOptions} />
            <label>
              Points per line{' '}
              <select
                aria-label="Points per line"
                value={requested ?? 'auto'}
                onChange={(e) =>
                  setParams(
                    (p) => (e.target.value === 'auto' ? p.delete('points') : p.set('points', e.target.value), p),
                    {
                      replace: true,
                    },
                  )
                }
              >
                {['auto', ...new Set([200, 500, 1000, 2500, 10_000, ...(requested ? [requested] : [])])].map((n) => (
                  <option key={n} value={n}>
                    {n === 'auto' ? 'chart width' : n}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <div className="chart-grid" data-testid="compare-charts">
            {metricKeys
              .filter((k) => k.toLowerCase().includes(q.toLowerCase()))
              .map((k) => (
                <LazyMount key={k} height={CHART_HEIGHT}>
                  <CompareChart runs={list} metric={k} options={options} points={requested} />
                </LazyMount>
              ))}
          </div>
          <h2>
            Params and metrics{' '}
            <label className="check small">
              <input type="checkbox" checked={onlyDiff} onChange={(e) => setOnlyDiff(e.target.checked)} /> only
              differences
            </label>
          </h2>
          <LazyMount height={300}>
            <DiffTable runs={list} onlyDiff={onlyDiff} />
          </LazyMount>
          {list.length > 1 && (
            <div className="cols">
              <div className="card">
                <h3>Parallel coordinates</h3>
                <LazyMount height={360}>
                  <Parallel runs={list} />
                </LazyMount>
              </div>
              <div className="card">
                <h3>Scatter</h3>
                <LazyMount height={360}>
                  <Scatter runs={list} />
                </LazyMount>
              </div>
            </div>
          )}
        </>
      )}
    </section>
  );
}
