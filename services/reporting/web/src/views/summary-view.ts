import type { LatencyPercentiles, ReportSeries, ReportSummary } from '../api/report-types';
import { latencyChart } from '../charts/latency-chart';
import { statusChart } from '../charts/status-chart';
import { element, replaceChildren } from '../dom/element';
import { formatDurationMs } from '../format/time-format';
import { STATUS_ORDER, statusWord } from '../reports/status-words';
import { SUMMARY_WINDOWS, type SummaryWindow } from '../reports/summary-window';

/** The summary of a recent window: counts by status, latency percentiles, and both over time as charts. */
export class SummaryView {
  readonly root: HTMLElement;
  private readonly totals = element('div', { class: 'totals' });
  private readonly latency = element('div', { class: 'latency' });
  private readonly charts = element('div', { class: 'charts' });

  constructor(initial: SummaryWindow, chooseWindow: (windowId: string) => void) {
    const select = element(
      'select',
      { id: 'summary-window', name: 'window' },
      ...SUMMARY_WINDOWS.map((window) => element('option', { value: window.id, selected: window.id === initial.id }, window.label)),
    );
    select.addEventListener('change', () => chooseWindow(select.value));
    this.root = element(
      'section',
      { class: 'summary', 'aria-labelledby': 'summary-heading' },
      element(
        'div',
        { class: 'section-head' },
        element('h2', { id: 'summary-heading' }, 'Summary'),
        element('div', { class: 'field inline' }, element('label', { for: 'summary-window' }, 'Window'), select),
      ),
      element('div', { class: 'summary-grid' }, this.totals, this.latency),
      this.charts,
    );
  }

  show(summary: ReportSummary, series: ReportSeries): void {
    replaceChildren(
      this.totals,
      element('h3', {}, 'Requests by status'),
      element(
        'ul',
        { class: 'status-counts' },
        element('li', { class: 'total' }, element('span', { class: 'count' }, summary.total), ' in total'),
        ...STATUS_ORDER.map((status) =>
          element(
            'li',
            { 'data-status': status },
            element('span', { class: `swatch status-${status}`, 'aria-hidden': 'true' }),
            element('span', { class: 'count' }, summary.counts[status] ?? 0),
            ` ${statusWord(status)}`,
          ),
        ),
      ),
    );
    replaceChildren(
      this.latency,
      element('h3', {}, 'Latency'),
      element(
        'table',
        { class: 'latency-table' },
        element(
          'thead',
          {},
          element(
            'tr',
            {},
            element('th', { scope: 'col' }, 'From issue to'),
            ...['p50', 'p95', 'p99', 'measured'].map((column) => element('th', { scope: 'col' }, column)),
          ),
        ),
        element(
          'tbody',
          {},
          latencyRow('delivered (push accepted)', summary.latencyMs.issueToDelivered),
          latencyRow('answered (approved or denied)', summary.latencyMs.issueToResolved),
        ),
      ),
    );
    replaceChildren(
      this.charts,
      element('div', { class: 'chart-box' }, element('h3', {}, 'Statuses over time'), statusChart(series)),
      element('div', { class: 'chart-box' }, element('h3', {}, 'Latency over time'), latencyChart(series)),
    );
  }
}

function latencyRow(label: string, percentiles: LatencyPercentiles): HTMLTableRowElement {
  return element(
    'tr',
    {},
    element('th', { scope: 'row' }, label),
    element('td', { class: 'number' }, formatDurationMs(percentiles.p50)),
    element('td', { class: 'number' }, formatDurationMs(percentiles.p95)),
    element('td', { class: 'number' }, formatDurationMs(percentiles.p99)),
    element('td', { class: 'number' }, percentiles.count),
  );
}
