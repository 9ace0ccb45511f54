import 'uplot/dist/uPlot.min.css';
import uPlot from 'uplot';
import { h } from './dom';

/** One line of a time-series chart: its name and its value at each of the chart's times. */
export interface TimeSeries {
  readonly label: string;
  /** One value per time; null where the series has none yet. */
  readonly values: readonly (number | null)[];
}

// Colours that keep at least 3:1 against white, told apart by more than hue alone where they sit
// next to each other in the legend.
const palette = ['#0b4f8a', '#bc4c00', '#1a7f37', '#8250df', '#cf222e', '#57606a', '#9a6700', '#006d75'];

/**
 * A time-series line chart drawn by uPlot on a canvas, with its legend; the wrapper carries a
 * label for screen readers, which cannot read a canvas (the page shows the figures as a table too).
 */
export function timeChart(
  times: readonly number[],
  series: readonly TimeSeries[],
  options: { readonly label: string; readonly unit: string; readonly height?: number },
): { readonly element: HTMLElement; mount(): void; destroy(): void } {
  const element = h('div', { class: 'time-chart', role: 'img', 'aria-label': options.label });
  let plot: uPlot | undefined;
  return {
    element,
    mount() {
      const width = Math.max(280, element.clientWidth || 600);
      const opts: uPlot.Options = {
        width,
        height: options.height ?? 220,
        scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min), Math.max(max, 1)] } },
        axes: [{}, { values: (_u, ticks) => ticks.map((t) => `${t}${options.unit}`) }],
        series: [
          {},
          ...series.map((s, i) => ({ label: s.label, stroke: palette[i % palette.length]!, width: 2 })),
        ],
      };
      // uPlot takes seconds on its time axis.
      const data: uPlot.AlignedData = [times.map((t) => t / 1000), ...series.map((s) => [...s.values])];
      plot = new uPlot(opts, data, element);
    },
    destroy() {
      plot?.destroy();
    },
  };
}
