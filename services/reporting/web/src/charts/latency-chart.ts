import type { ReportSeries, SeriesBucket } from '../api/report-types';
import { element, svgElement } from '../dom/element';
import { formatDurationMs } from '../format/time-format';
import { linePath, niceCeiling } from './chart-geometry';
import { CHART_SIZE, xAxis, yAxis } from './chart-axes';

interface LatencyLine {
  id: string;
  label: string;
  valueOf: (bucket: SeriesBucket) => number | null;
}

const LINES: readonly LatencyLine[] = [
  { id: 'delivered-p50', label: 'Issue → delivered, p50', valueOf: (bucket) => bucket.latencyMs.issueToDelivered.p50 },
  { id: 'delivered-p95', label: 'Issue → delivered, p95', valueOf: (bucket) => bucket.latencyMs.issueToDelivered.p95 },
  { id: 'resolved-p50', label: 'Issue → answered, p50', valueOf: (bucket) => bucket.latencyMs.issueToResolved.p50 },
  { id: 'resolved-p95', label: 'Issue → answered, p95', valueOf: (bucket) => bucket.latencyMs.issueToResolved.p95 },
];

/** Delivery and response latency percentiles per bucket; a bucket without measurements leaves a gap. */
export function latencyChart(series: ReportSeries): HTMLElement {
  const values = LINES.map((line) => series.buckets.map(line.valueOf));
  const max = niceCeiling(Math.max(0, ...values.flat().map((value) => value ?? 0)));
  const svg = svgElement(
    'svg',
    { viewBox: `0 0 ${CHART_SIZE.width} ${CHART_SIZE.height}`, class: 'chart', role: 'img', 'aria-labelledby': 'latency-chart-title' },
    svgElement('title', { id: 'latency-chart-title' }, 'Latency percentiles over time: issue to delivered and issue to answered'),
    ...yAxis(max, formatDurationMs),
    ...LINES.flatMap((line, index) => {
      const path = linePath(values[index]!, CHART_SIZE.plot, max);
      return path ? [svgElement('path', { d: path, class: `line latency-${line.id}` }, svgElement('title', {}, line.label))] : [];
    }),
    ...LINES.flatMap((line, index) => dots(values[index]!, line, max)),
    ...xAxis(series),
  );
  const legend = element(
    'ul',
    { class: 'legend', 'aria-label': 'Legend' },
    ...LINES.map((line) => element('li', {}, element('span', { class: `swatch latency-${line.id}`, 'aria-hidden': 'true' }), line.label)),
  );
  return element('figure', { class: 'chart-figure' }, svg, element('figcaption', {}, legend));
}

/** A dot on each measured bucket, so a lone measurement between gaps is still visible. */
function dots(values: readonly (number | null)[], line: LatencyLine, max: number): SVGElement[] {
  const { plot } = CHART_SIZE;
  const slot = plot.width / Math.max(1, values.length);
  return values.flatMap((value, index) =>
    value === null
      ? []
      : [
          svgElement(
            'circle',
            {
              cx: plot.left + index * slot + slot / 2,
              cy: plot.top + plot.height - (Math.min(value, max) / max) * plot.height,
              r: 2.5,
              class: `dot latency-${line.id}`,
            },
            svgElement('title', {}, `${line.label}: ${formatDurationMs(value)}`),
          ),
        ],
  );
}
