import { useMemo } from 'react';
import { align, downsample, History, smooth, toSeries } from '../lib/series';
import { colorOf, UPlotChart } from './UPlotChart';

export interface ChartOptions {
  axis: 'step' | 'time';
  smoothing: number;
  logY: boolean;
}

/** One metric of one or many runs: sorted, smoothed, decimated to the chart width, aligned for uPlot. */
export function MetricCard(props: {
  title: string;
  runs: { id: string; label: string; points: History }[];
  options: ChartOptions;
  height?: number;
  onDrawn?: () => void;
}) {
  const { runs, options } = props;
  const { data, series } = useMemo(() => {
    const list = runs.map((r, i) => {
      const s = toSeries(r.points, options.axis);
      const smoothed = { x: s.x, y: options.smoothing > 0 ? smooth(s.y, options.smoothing) : s.y };
      return { series: downsample(smoothed, 1000), label: r.label, color: colorOf(i) };
    });
    return {
      data: align(list.map((l) => l.series)),
      series: list.map((l) => ({ label: l.label, color: l.color })),
    };
  }, [runs, options.axis, options.smoothing]);
  return (
    <div className="card metric-card" data-metric={props.title}>
      <h3>{props.title}</h3>
      <UPlotChart
        data={data}
        series={series}
        height={props.height}
        logY={options.logY}
        xLabel={options.axis === 'step' ? 'step' : 'seconds'}
        onDrawn={props.onDrawn}
      />
    </div>
  );
}

export function ChartControls({ value, onChange }: { value: ChartOptions; onChange: (v: ChartOptions) => void }) {
  return (
    <div className="toolbar chart-controls">
      <label>
        X axis{' '}
        <select value={value.axis} onChange={(e) => onChange({ ...value, axis: e.target.value as 'step' | 'time' })}>
          <option value="step">Step</option>
          <option value="time">Relative time</option>
        </select>
      </label>
      <label>
        Smoothing{' '}
        <input
          type="range"
          min={0}
          max={0.99}
          step={0.01}
          value={value.smoothing}
          aria-label="Smoothing"
          onChange={(e) => onChange({ ...value, smoothing: Number(e.target.value) })}
        />{' '}
        {value.smoothing.toFixed(2)}
      </label>
      <label className="check">
        <input type="checkbox" checked={value.logY} onChange={(e) => onChange({ ...value, logY: e.target.checked })} />
        Log scale
      </label>
    </div>
  );
}
