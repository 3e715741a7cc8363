import type { ReportSeries } from '../api/report-types';
import { svgElement } from '../dom/element';
import { formatAxisTime } from '../format/time-format';
import { labelledIndexes, type PlotArea } from './chart-geometry';

// Hand-written SVG: two small charts need no charting library, stay inside the strict CSP and keep real text for screen readers.
const WIDTH = 720;
const HEIGHT = 220;
const PLOT: PlotArea = { left: 56, top: 12, width: WIDTH - 68, height: HEIGHT - 44 };

export const CHART_SIZE = { width: WIDTH, height: HEIGHT, plot: PLOT };

/** Grid lines and labels at zero, half and the top of the axis. */
export function yAxis(max: number, label: (value: number) => string = String): SVGElement[] {
  return [0, max / 2, max].flatMap((value) => {
    const y = PLOT.top + PLOT.height - (value / max) * PLOT.height;
    return [
      svgElement('line', { x1: PLOT.left, x2: PLOT.left + PLOT.width, y1: y, y2: y, class: 'grid' }),
      svgElement('text', { x: PLOT.left - 6, y: y + 4, class: 'axis-label', 'text-anchor': 'end' }, label(value)),
    ];
  });
}

/** A few evenly spread bucket times under the plot. */
export function xAxis(series: ReportSeries): SVGElement[] {
  const slot = PLOT.width / Math.max(1, series.buckets.length);
  return labelledIndexes(series.buckets.length, 6).map((index) =>
    svgElement(
      'text',
      { x: PLOT.left + index * slot + slot / 2, y: HEIGHT - 10, class: 'axis-label', 'text-anchor': 'middle' },
      formatAxisTime(series.buckets[index]!.start, series.bucketSeconds),
    ),
  );
}
