import type { ReportSeries, ReportStatus } from '../api/report-types';
import { element, svgElement } from '../dom/element';
import { formatAxisTime } from '../format/time-format';
import { STATUS_ORDER, statusWord } from '../reports/status-words';
import { CHART_SIZE, xAxis, yAxis } from './chart-axes';
import { niceCeiling, stackedBars } from './chart-geometry';

/** Challenges per bucket, stacked by status, with a legend in the admin's words. */
export function statusChart(series: ReportSeries): HTMLElement {
  const max = niceCeiling(Math.max(0, ...series.buckets.map((bucket) => bucket.total)));
  const total = series.buckets.reduce((sum, bucket) => sum + bucket.total, 0);
  const svg = svgElement(
    'svg',
    { viewBox: `0 0 ${CHART_SIZE.width} ${CHART_SIZE.height}`, class: 'chart', role: 'img', 'aria-labelledby': 'status-chart-title' },
    svgElement('title', { id: 'status-chart-title' }, `Sign-in requests by status over time: ${total} in this window`),
    ...yAxis(max, (value) => (Number.isInteger(value) ? String(value) : '')),
    ...stackedBars(
      series.buckets.map((bucket) => bucket.counts),
      STATUS_ORDER,
      CHART_SIZE.plot,
      max,
    ).map((segment) =>
      svgElement(
        'rect',
        { x: segment.x, y: segment.y, width: segment.width, height: segment.height, class: `bar status-${segment.key}` },
        svgElement(
          'title',
          {},
          `${formatAxisTime(series.buckets[segment.bucketIndex]!.start, series.bucketSeconds)}: ${segment.value} ${statusWord(segment.key)}`,
        ),
      ),
    ),
    ...xAxis(series),
  );
  return element('figure', { class: 'chart-figure' }, svg, element('figcaption', {}, legend(STATUS_ORDER)));
}

function legend(statuses: readonly ReportStatus[]): HTMLElement {
  return element(
    'ul',
    { class: 'legend', 'aria-label': 'Legend' },
    ...statuses.map((status) => element('li', {}, element('span', { class: `swatch status-${status}`, 'aria-hidden': 'true' }), statusWord(status))),
  );
}
