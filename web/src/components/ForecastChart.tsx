import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ForecastPoint } from '../lib/forecast';
import { useThemeColors } from './useThemeColors';

/** Actual vs predicted on a date axis (uPlot), the prediction interval as a shaded band when present. */
export function ForecastChart({ points, height = 340 }: { points: ForecastPoint[]; height?: number }) {
  const el = useRef<HTMLDivElement>(null);
  const theme = useThemeColors();
  useEffect(() => {
    const host = el.current;
    if (!host || points.length === 0) return;
    const hasBand = points.some((p) => p.lower !== undefined && p.upper !== undefined);
    const x = points.map((p) => Date.parse(`${p.date}T00:00:00Z`) / 1000);
    const data: (number | null | undefined)[][] = [
      x,
      points.map((p) => p.actual ?? null),
      points.map((p) => p.predicted),
    ];
    const series: uPlot.Series[] = [
      {},
      { label: 'actual', stroke: theme.fg, width: 1.5 },
      { label: 'predicted', stroke: '#2563eb', width: 1.5 },
    ];
    if (hasBand) {
      data.push(
        points.map((p) => p.lower ?? null),
        points.map((p) => p.upper ?? null),
      );
      series.push(
        { label: 'lower', stroke: 'rgba(37,99,235,0.35)', width: 1 },
        { label: 'upper', stroke: 'rgba(37,99,235,0.35)', width: 1 },
      );
    }
    const plot = new uPlot(
      {
        width: Math.max(300, host.clientWidth),
        height,
        series,
        bands: hasBand ? [{ series: [4, 3], fill: 'rgba(37,99,235,0.12)' }] : undefined,
        axes: [
          { stroke: theme.fg, grid: { stroke: theme.grid } },
          { stroke: theme.fg, grid: { stroke: theme.grid }, size: 60 },
        ],
      },
      data as uPlot.AlignedData,
      host,
    );
    const ro = new ResizeObserver(() => plot.setSize({ width: Math.max(300, host.clientWidth), height }));
    ro.observe(host);
    return () => {
      ro.disconnect();
      plot.destroy();
    };
  }, [points, height, theme]);
  return <div ref={el} className="chart" data-testid="forecast-chart" />;
}
