import { BarChart, ParallelChart, ScatterChart } from 'echarts/charts';
import { GridComponent, ParallelComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { useThemeColors } from './useThemeColors';

echarts.use([
  BarChart,
  ParallelChart,
  ScatterChart,
  GridComponent,
  ParallelComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

export type EChartOption = echarts.EChartsCoreOption;

/** An ECharts canvas chart (parallel coordinates, scatter); resized with its box, disposed on unmount. */
export function EChart({
  option,
  height = 360,
  onClick,
  onRendered,
}: {
  option: EChartOption;
  height?: number;
  onClick?: (p: unknown) => void;
  onRendered?: () => void;
}) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | undefined>(undefined);
  const { dark } = useThemeColors();
  useEffect(() => {
    if (!el.current) return;
    const c = echarts.init(el.current, dark ? 'dark' : undefined, { renderer: 'canvas' });
    chart.current = c;
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el.current);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = undefined;
    };
  }, [dark]);
  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    if (onRendered) c.on('finished', onRendered);
    c.setOption({ backgroundColor: 'transparent', animation: false, ...option }, true);
    return () => void (onRendered && c.off('finished', onRendered));
  }, [option, onRendered, dark]);
  useEffect(() => {
    const c = chart.current;
    if (!c || !onClick) return;
    c.on('click', onClick);
    return () => void c.off('click', onClick);
  }, [onClick, dark]);
  return <div ref={el} style={{ height, width: '100%' }} />;
}
