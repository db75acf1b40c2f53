import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { FormEvent, useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { ML, get, post } from '../api/client';
import type { Run } from '../api/types';
import { ErrorBox, Loading } from '../components/ErrorBox';
import { PanelForecastChart } from '../components/PanelForecastChart';
import { fmtNum } from '../lib/format';
import {
  baselinePeriod,
  expandKnown,
  panelChartData,
  SeriesForecastAnswer,
  SeriesHistoryAnswer,
} from '../lib/panel-forecast';

/** GET /api/v1/models/{name}/champion/series */
export interface ChampionPanel {
  model: { name: string; version: string };
  kind: 'series' | 'prices' | 'onnx';
  family?: string;
  frequency?: string;
  seasonal_periods?: number[];
  horizon?: number;
  interval_levels?: number[];
  known_inputs?: string[];
  series_count: number;
  matched: number;
  series: { id: string; length: number; last: string }[];
}

export const panelPath = (name: string) => `/api/v1/models/${encodeURIComponent(name)}/champion`;

/** Held-out scores of the champion's run beside seasonal naive, when the run logged them. */
const TEST_METRICS: [string, string][] = [
  ['test_mase', 'MASE'],
  ['test_snaive_mase', 'seasonal naive MASE'],
  ['test_skill', 'skill vs seasonal naive'],
  ['test_owa', 'OWA'],
  ['test_coverage_80', '80% coverage'],
];

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** A searchable choice among the panel's series: ids matching the typed text come from the server (any panel size). */
function SeriesPicker({ name, value, onChange }: { name: string; value: string; onChange: (v: string) => void }) {
  const filter = useDebounced(value, 200);
  const matches = useQuery({
    queryKey: ['champion-series', name, filter],
    queryFn: () => get<ChampionPanel>(`${panelPath(name)}/series`, { filter, max_results: 50 }),
    placeholderData: keepPreviousData,
  });
  const exact = matches.data?.series.some((s) => s.id === value);
  return (
    <label>
      Series{' '}
      <input
        aria-label="Series"
        list="panel-series"
        value={value}
        size={18}
        placeholder="type to search"
        onChange={(e) => onChange(e.target.value)}
      />
      <datalist id="panel-series">
        {(matches.data?.series ?? []).map((s) => (
          <option key={s.id} value={s.id}>
            {`${s.length} steps, to ${s.last}`}
          </option>
        ))}
      </datalist>{' '}
      <span className="muted small" data-testid="series-matches">
        {matches.data ? `${exact ? '✓ ' : ''}${matches.data.matched} of ${matches.data.series_count} match` : ''}
      </span>
    </label>
  );
}

/** The steps of history to draw: a few seasons or horizons, whichever is longer. */
function defaultHistory(panel: ChampionPanel): number {
  const m = baselinePeriod(panel.seasonal_periods ?? []);
  return Math.min(2000, Math.max(4 * m, 3 * (panel.horizon ?? 1), 56));
}

async function loadForecast(
  name: string,
  series: string,
  horizon: number,
  last: number,
  known: Record<string, string>,
) {
  const future = Object.fromEntries(Object.entries(known).map(([k, v]) => [k, expandKnown(v, horizon)]));
  const [history, forecast] = await Promise.all([
    get<SeriesHistoryAnswer>(`${panelPath(name)}/history`, { series_id: series, last }),
    post<SeriesForecastAnswer & { model: { run_id?: string } }>('/predict', {
      model: name,
      series_id: series,
      horizon,
      ...(Object.keys(future).length > 0 ? { known: future } : {}),
    }),
  ]);
  return { history, forecast };
}

/**
 * Forecast any series of a panel champion: pick the series (searchable), the horizon and how
 * much history to show; draws the history, the forecast with its 80% band and seasonal naive
 * from the same history (the baseline every series run is scored against). Choices live in the URL.
 */
export function SeriesForecast({ name, panel }: { name: string; panel: ChampionPanel }) {
  const [params, setParams] = useSearchParams();
  const first = panel.series[0]?.id ?? '';
  const chosen = {
    series: params.get('series') ?? first,
    horizon: Number(params.get('horizon') ?? panel.horizon ?? 1),
    history: Number(params.get('history') ?? defaultHistory(panel)),
  };
  const [form, setForm] = useState({
    series: chosen.series,
    horizon: String(chosen.horizon),
    history: String(chosen.history),
  });
  // Future values of the known covariates the champion reads (e.g. promo), applied on submit.
  const [knownForm, setKnownForm] = useState<Record<string, string>>(() =>
    Object.fromEntries((panel.known_inputs ?? []).map((k) => [k, '0'])),
  );
  const [known, setKnown] = useState(knownForm);
  const result = useQuery({
    queryKey: ['series-forecast', name, panel.model.version, chosen.series, chosen.horizon, chosen.history, known],
    queryFn: () => loadForecast(name, chosen.series, chosen.horizon, chosen.history, known),
    enabled: chosen.series !== '',
    retry: false,
  });
  const runId = result.data?.forecast.model.run_id;
  const run = useQuery({
    queryKey: ['run', runId],
    queryFn: () => get<{ run: Run }>(`${ML}/runs/get`, { run_id: runId }),
    enabled: !!runId,
    retry: false,
  });
  const metrics = new Map((run.data?.run.data.metrics ?? []).map((m) => [m.key, m.value]));
  const data = useMemo(
    () => (result.data ? panelChartData(result.data.history, result.data.forecast) : undefined),
    [result.data],
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setKnown(knownForm);
    setParams({ series: form.series.trim(), horizon: form.horizon, history: form.history }, { replace: true });
  };
  return (
    <>
      <p className="muted" data-testid="panel-summary">
        {panel.family} champion v{panel.model.version} · {panel.series_count} series · frequency {panel.frequency} ·
        seasonal periods {(panel.seasonal_periods ?? []).join(', ') || 'none'} · trained horizon {panel.horizon}
      </p>
      <form className="toolbar" onSubmit={submit} aria-label="Forecast a panel series">
        <SeriesPicker name={name} value={form.series} onChange={(series) => setForm({ ...form, series })} />
        <label>
          Horizon{' '}
          <input
            aria-label="Horizon"
            type="number"
            required
            min={1}
            step={1}
            size={5}
            value={form.horizon}
            onChange={(e) => setForm({ ...form, horizon: e.target.value })}
          />
        </label>
        <label>
          History{' '}
          <input
            aria-label="History steps"
            type="number"
            required
            min={1}
            step={1}
            size={6}
            value={form.history}
            onChange={(e) => setForm({ ...form, history: e.target.value })}
          />
        </label>
        {Object.entries(knownForm).map(([k, v]) => (
          <label key={k} title="Future values, one per step (comma-separated); the last one repeats">
            {k} (future){' '}
            <input
              aria-label={`Future ${k}`}
              size={12}
              value={v}
              onChange={(e) => setKnownForm({ ...knownForm, [k]: e.target.value })}
            />
          </label>
        ))}
        <button type="submit" className="primary" disabled={!form.series.trim() || result.isFetching}>
          Forecast
        </button>
      </form>
      <ErrorBox error={result.error} title="Forecast failed" />
      {result.isFetching && <Loading what="forecast" />}
      {result.data && data && (
        <>
          <p className="muted" data-testid="panel-forecast-info">
            {result.data.forecast.series_id}: {result.data.forecast.predictions.length} steps from{' '}
            {result.data.forecast.timestamps[0]} · last {result.data.history.values.length} of{' '}
            {result.data.history.length} steps shown · {result.data.forecast.model.backend} · baseline: seasonal naive,
            period {data.period}
          </p>
          {metrics.size > 0 && (
            <div className="toolbar" data-testid="champion-scores">
              <span className="muted small">champion on its test part:</span>
              {TEST_METRICS.filter(([k]) => metrics.has(k)).map(([k, label]) => (
                <span
                  key={k}
                  className={`pill ${k === 'test_skill' ? (metrics.get(k)! > 0 ? 'better' : 'worse') : ''}`}
                >
                  {label} {fmtNum(metrics.get(k))}
                </span>
              ))}
            </div>
          )}
          <PanelForecastChart data={data} />
          <details>
            <summary>Forecast per step</summary>
            <table className="grid-table" data-testid="panel-forecast-table">
              <thead>
                <tr>
                  <th>Timestamp</th>
                  <th>Forecast</th>
                  <th>Lower {data.level !== undefined ? `${Math.round(data.level * 100)}%` : ''}</th>
                  <th>Upper {data.level !== undefined ? `${Math.round(data.level * 100)}%` : ''}</th>
                  <th>Seasonal naive</th>
                </tr>
              </thead>
              <tbody>
                {result.data.forecast.timestamps.map((t, k) => {
                  const i = result.data.history.values.length + k;
                  return (
                    <tr key={t}>
                      <td className="mono">{t}</td>
                      <td>{fmtNum(data.forecast[i])}</td>
                      <td>{fmtNum(data.lower[i])}</td>
                      <td>{fmtNum(data.upper[i])}</td>
                      <td>{fmtNum(data.baseline[i])}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </details>
        </>
      )}
    </>
  );
}
