import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { fmtNum, tickLabels } from '../lib/format';
import type { Column } from '../lib/series';
import { useThemeColors } from './useThemeColors';

export interface ChartSeries {
  label: string;
  color: string;
}

// 20 distinguishable colours (Tableau 10, then a darker shade of each hue) ...
const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
  '#0b4f8a',
  '#c85a00',
  '#1b7a1b',
  '#a11d1f',
  '#6a4c93',
  '#5e3a31',
  '#b0508f',
  '#4d4d4d',
  '#8a8b12',
  '#0f8796',
];
/** ... then golden-angle hue rotation: no two runs of a comparison share a colour. */
export const colorOf = (i: number) =>
  i < PALETTE.length ? PALETTE[i] : `hsl(${Math.round((i * 137.508) % 360)} 65% ${i % 2 ? 42 : 55}%)`;

/**
 * One canvas line chart (uPlot) for many series on a shared x axis. With many series the legend
 * is off and the hovered value is shown in one line instead (a 1,000-entry legend is the slow part).
 */
export function UPlotChart(props: {
  data: [Column, ...Column[]];
  series: ChartSeries[];
  height?: number;
  logY?: boolean;
  xLabel?: string;
  onDrawn?: () => void;
}) {
  const { data, series, height = 220, logY, xLabel, onDrawn } = props;
  const el = useRef<HTMLDivElement>(null);
  const hover = useRef<HTMLDivElement>(null);
  const theme = useThemeColors();
  useEffect(() => {
    const host = el.current;
    if (!host) return;
    const many = series.length > 12;
    const opts: uPlot.Options = {
      width: Math.max(200, host.clientWidth),
      height,
      legend: { show: !many },
      cursor: { focus: { prox: 16 }, points: { show: !many } },
      focus: { alpha: 0.3 },
      scales: { x: { time: false }, y: { distr: logY ? 3 : 1 } },
      axes: [
        { label: xLabel, stroke: theme.fg, grid: { stroke: theme.grid }, ticks: { stroke: theme.grid } },
        {
          stroke: theme.fg,
          grid: { stroke: theme.grid },
          ticks: { stroke: theme.grid },
          size: 70,
          values: (_u, ticks) => tickLabels(ticks),
        },
      ],
      series: [
        { label: xLabel ?? 'x' },
        // Many runs: no point markers (uPlot would test every point for them), thin lines.
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: many ? 1 : 1.25,
          spanGaps: true,
          points: many ? { show: false } : undefined,
        })),
      ],
      hooks: {
        draw: [() => onDrawn?.()],
        setCursor: [
          (u) => {
            if (!many || !hover.current) return;
            const i = u.cursor.idx;
            const s = u.series.findIndex((x, k) => k > 0 && (x as { _focus?: boolean })._focus);
            hover.current.textContent =
              i == null || s < 1
                ? ''
                : `${u.series[s].label}: ${fmtNum(u.data[s][i]) || '–'} at ${fmtNum(u.data[0][i])}`;
          },
        ],
      },
    };
    // A log scale cannot show values <= 0: they become gaps (a plain array, typed arrays hold no null).
    const plotData = logY
      ? data.map((col, k) => (k === 0 ? col : Array.from(col, (v) => (v != null && v > 0 ? v : null))))
      : data;
    const plot = new uPlot(opts, plotData as uPlot.AlignedData, host);
    const ro = new ResizeObserver(() => plot.setSize({ width: Math.max(200, host.clientWidth), height }));
    ro.observe(host);
    return () => {
      ro.disconnect();
      plot.destroy();
    };
  }, [data, series, height, logY, xLabel, onDrawn, theme]);
  return (
    <div className="chart">
      <div ref={el} />
      <div ref={hover} className="muted small hover-readout" />
    </div>
  );
}
