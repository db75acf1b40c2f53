import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { PanelChartData } from '../lib/panel-forecast';
import { useThemeColors } from './useThemeColors';

const FORECAST = '#2563eb';
const BASELINE = '#d97706';

const count = (a: (number | null)[]) => a.reduce<number>((n, v) => (v === null ? n : n + 1), 0);

/**
 * A series' recent history, the champion's forecast with its interval as a shaded band, and
 * the seasonal-naive baseline (dashed) on one time axis; uPlot's legend names each line.
 * `data-points` says how many points each line got (what the browser test checks).
 */
export function PanelForecastChart({ data, height = 360 }: { data: PanelChartData; height?: number }) {
  const el = useRef<HTMLDivElement>(null);
  const theme = useThemeColors();
  const pct = data.level !== undefined ? `${Math.round(data.level * 100)}%` : '';
  const points = useMemo(
    () =>
      JSON.stringify({
        history: count(data.history),
        forecast: count(data.forecast),
        band: Math.min(count(data.lower), count(data.upper)),
        baseline: count(data.baseline),
      }),
    [data],
  );
  useEffect(() => {
    const host = el.current;
    if (!host || data.x.length === 0) return;
    const series: uPlot.Series[] = [
      {},
      { label: 'history', stroke: theme.fg, width: 1.5 },
      { label: 'forecast', stroke: FORECAST, width: 2 },
      { label: `lower ${pct}`, stroke: 'rgba(37,99,235,0.35)', width: 1, points: { show: false } },
      { label: `upper ${pct}`, stroke: 'rgba(37,99,235,0.35)', width: 1, points: { show: false } },
      { label: `seasonal naive (period ${data.period})`, stroke: BASELINE, width: 1.5, dash: [6, 4] },
    ];
    const plot = new uPlot(
      {
        width: Math.max(300, host.clientWidth),
        height,
        series,
        bands: [{ series: [4, 3], fill: 'rgba(37,99,235,0.15)' }],
        axes: [
          { stroke: theme.fg, grid: { stroke: theme.grid } },
          { stroke: theme.fg, grid: { stroke: theme.grid }, size: 60 },
        ],
      },
      [data.x, data.history, data.forecast, data.lower, data.upper, data.baseline] as uPlot.AlignedData,
      host,
    );
    const ro = new ResizeObserver(() => plot.setSize({ width: Math.max(300, host.clientWidth), height }));
    ro.observe(host);
    return () => {
      ro.disconnect();
      plot.destroy();
    };
  }, [data, height, theme, pct]);
  return <div ref={el} className="chart" data-testid="panel-forecast-chart" data-points={points} />;
}
