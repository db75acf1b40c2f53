import { useMutation, useQuery } from '@tanstack/react-query';
import { FormEvent, useMemo, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { ML, get, post } from '../api/client';
import type { RegisteredModel } from '../api/types';
import { ErrorBox, Loading } from '../components/ErrorBox';
import { ForecastChart } from '../components/ForecastChart';
import { ChampionPanel, panelPath, SeriesForecast } from './SeriesForecast';
import { skillAgainstPersistence, toForecastPoints } from '../lib/forecast';
import { fmtNum } from '../lib/format';

interface PredictAnswer {
  model: { name: string; version: string; run_id?: string; backend?: string };
  predictions: unknown[];
}

/** The date range carries over to another model; a series id does not (another panel has other ids). */
function priceRange(params: URLSearchParams): URLSearchParams {
  return new URLSearchParams([...params].filter(([k]) => ['start', 'end', 'ticker'].includes(k)));
}

/** The model's champion decides the form: a series model is asked by series id, a price forecaster by dates. */
export function ForecastView() {
  const { name } = useParams();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const models = useQuery({
    queryKey: ['models', ''],
    queryFn: () =>
      get<{ registered_models?: RegisteredModel[] }>(`${ML}/registered-models/search`, { max_results: 1000 }),
  });
  const withChampion = (models.data?.registered_models ?? []).filter((m) =>
    (m.aliases ?? []).some((a) => a.alias === 'champion'),
  );
  const panel = useQuery({
    queryKey: ['champion-panel', name],
    queryFn: () => get<ChampionPanel>(`${panelPath(name!)}/series`, { max_results: 1 }),
    enabled: !!name,
    retry: false,
  });
  // Without an answer (no champion yet, not loadable) the date form stays: /predict then says why.
  const series = panel.data?.kind === 'series' ? panel.data : undefined;
  return (
    <section>
      <h1>Forecasts</h1>
      <ErrorBox error={models.error} />
      <div className="toolbar">
        <label>
          Model{' '}
          <select
            aria-label="Model"
            value={name ?? ''}
            onChange={(e) => navigate(`/forecasts/${encodeURIComponent(e.target.value)}?${priceRange(params)}`)}
          >
            <option value="">— a model with a champion —</option>
            {withChampion.map((m) => (
              <option key={m.name}>{m.name}</option>
            ))}
            {name && !withChampion.some((m) => m.name === name) && <option>{name}</option>}
          </select>
        </label>
      </div>
      {models.isLoading && <Loading what="models" />}
      {!models.isLoading && withChampion.length === 0 && (
        <p className="muted">No model has a champion yet: promote one under Models.</p>
      )}
      {name && panel.isLoading && <Loading what="champion" />}
      {name && series && <SeriesForecast key={`${name}@${series.model.version}`} name={name} panel={series} />}
      {(!name || (!panel.isLoading && !series)) && <PriceForecast name={name} />}
    </section>
  );
}

/** A price forecaster: rolling one-step forecasts over a date range beside the actual prices, and skill against persistence. */
function PriceForecast({ name }: { name?: string }) {
  const [params, setParams] = useSearchParams();
  const [range, setRange] = useState({
    start: params.get('start') ?? '2021-10-01',
    end: params.get('end') ?? '2021-12-31',
    ticker: params.get('ticker') ?? '',
  });
  const forecast = useMutation({
    mutationFn: (r: typeof range) =>
      post<PredictAnswer>('/predict', {
        model: name,
        start_date: r.start,
        end_date: r.end,
        ticker: r.ticker || undefined,
      }),
  });
  const points = useMemo(() => (forecast.data ? toForecastPoints(forecast.data.predictions) : []), [forecast.data]);
  const skill = useMemo(() => skillAgainstPersistence(points), [points]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setParams(
      { start: range.start, end: range.end, ...(range.ticker ? { ticker: range.ticker } : {}) },
      { replace: true },
    );
    forecast.mutate(range);
  };
  return (
    <>
      <form className="toolbar" onSubmit={submit}>
        <label>
          From{' '}
          <input
            type="date"
            aria-label="From"
            value={range.start}
            onChange={(e) => setRange({ ...range, start: e.target.value })}
          />
        </label>
        <label>
          To{' '}
          <input
            type="date"
            aria-label="To"
            value={range.end}
            onChange={(e) => setRange({ ...range, end: e.target.value })}
          />
        </label>
        <label>
          Ticker{' '}
          <input
            aria-label="Forecast ticker"
            placeholder="as trained"
            size={10}
            value={range.ticker}
            onChange={(e) => setRange({ ...range, ticker: e.target.value })}
          />
        </label>
        <button type="submit" className="primary" disabled={!name || forecast.isPending}>
          Forecast
        </button>
      </form>
      <ErrorBox error={forecast.error} title="Forecast failed" />
      {forecast.isPending && <Loading what="forecast" />}
      {forecast.data && (
        <>
          <p className="muted">
            {forecast.data.model.name} v{forecast.data.model.version} (champion) · {points.length} trading days
            {forecast.data.model.backend ? ` · ${forecast.data.model.backend}` : ''}
          </p>
          {skill && (
            <div className="toolbar" data-testid="forecast-skill">
              <span className="pill">MAE {fmtNum(skill.maeModel)}</span>
              <span className="pill">persistence MAE {fmtNum(skill.maePersistence)}</span>
              <span className={`pill ${skill.skill > 0 ? 'better' : 'worse'}`}>skill {fmtNum(skill.skill)}</span>
              {skill.coverage !== undefined && (
                <span className="pill">
                  interval coverage {(skill.coverage * 100).toFixed(0)}%
                  {points[0]?.level !== undefined ? ` (nominal ${(points[0].level * 100).toFixed(0)}%)` : ''}
                </span>
              )}
              <span className="muted small">
                skill = 1 − MAE / persistence MAE over {skill.n} days; &gt; 0 beats persistence
              </span>
            </div>
          )}
          <ForecastChart points={points} />
        </>
      )}
    </>
  );
}
