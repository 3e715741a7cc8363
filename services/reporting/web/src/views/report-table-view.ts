import type { ReportRow } from '../api/report-types';
import { element, replaceChildren } from '../dom/element';
import { formatDateTime, formatDurationMs } from '../format/time-format';
import { devicesSummary } from '../reports/devices-summary';
import { approvedWithWord } from '../reports/status-words';
import { fraudFlag, statusChip } from './status-chip';

export interface ReportTableHandlers {
  loadMore(): void;
  openTimeline(challengeId: string): void;
}

export interface ReportTableState {
  rows: readonly ReportRow[];
  hasMore: boolean;
  loading: boolean;
}

const COLUMNS = ['Created', 'User', 'Status', 'Fraud', 'Application', 'Devices', 'To deliver', 'To answer'];

/** The report rows, newest first, each opening its timeline; the body is redrawn on every refresh, the rest stays. */
export class ReportTableView {
  readonly root: HTMLElement;
  private readonly body = element('tbody');
  private readonly count = element('p', { class: 'row-count', role: 'status' });
  private readonly loadMoreButton = element('button', { type: 'button', class: 'secondary load-more' }, 'Load more');

  constructor(private readonly handlers: ReportTableHandlers) {
    const table = element(
      'table',
      { class: 'reports' },
      element('caption', { class: 'visually-hidden' }, 'Sign-in requests, newest first. Choose a row to open its timeline.'),
      element('thead', {}, element('tr', {}, ...COLUMNS.map((column) => element('th', { scope: 'col' }, column)))),
      this.body,
    );
    this.loadMoreButton.addEventListener('click', () => handlers.loadMore());
    this.root = element(
      'div',
      { class: 'table-area' },
      element('div', { class: 'table-scroll' }, table),
      element('div', { class: 'table-footer' }, this.count, this.loadMoreButton),
    );
  }

  show(state: ReportTableState): void {
    const focused = (document.activeElement as HTMLElement | null)?.dataset?.challengeId;
    replaceChildren(this.body, ...(state.rows.length > 0 ? state.rows.map((row) => this.rowOf(row)) : [this.emptyRow(state.loading)]));
    if (focused) this.focusRow(focused);
    this.count.textContent = state.rows.length === 1 ? '1 request shown' : `${state.rows.length} requests shown`;
    this.loadMoreButton.hidden = !state.hasMore;
    this.loadMoreButton.disabled = state.loading;
    this.loadMoreButton.textContent = state.loading ? 'Loading…' : 'Load more';
  }

  /** Puts focus back on a request's row, e.g. when its timeline closes after the table was redrawn beneath it. */
  focusRow(challengeId: string): void {
    this.body.querySelector<HTMLElement>(`button[data-challenge-id="${CSS.escape(challengeId)}"]`)?.focus();
  }

  private rowOf(row: ReportRow): HTMLTableRowElement {
    const open = element(
      'button',
      {
        type: 'button',
        class: 'link',
        'data-challenge-id': row.challengeId,
        'aria-label': `Open the timeline of ${row.userId}'s request of ${formatDateTime(row.createdAt)}`,
      },
      formatDateTime(row.createdAt),
    );
    open.addEventListener('click', (event) => {
      event.stopPropagation();
      this.handlers.openTimeline(row.challengeId);
    });
    const tr = element(
      'tr',
      { 'data-challenge-id': row.challengeId, class: row.fraudReported ? 'fraud' : undefined },
      element('td', {}, open),
      element('td', { class: 'user' }, row.userId),
      element(
        'td',
        {},
        statusChip(row.status, row.reason),
        row.approvedWith ? element('small', { class: 'approved-with' }, ` ${approvedWithWord(row.approvedWith)}`) : null,
      ),
      element('td', {}, row.fraudReported ? fraudFlag() : element('span', { class: 'visually-hidden' }, 'None')),
      element('td', {}, row.context.application ?? '—'),
      element('td', { class: 'devices' }, devicesSummary(row)),
      element('td', { class: 'number' }, row.deliveredAt ? formatDurationMs(Date.parse(row.deliveredAt) - Date.parse(row.createdAt)) : '—'),
      element('td', { class: 'number' }, row.resolvedAt ? formatDurationMs(Date.parse(row.resolvedAt) - Date.parse(row.createdAt)) : '—'),
    );
    tr.addEventListener('click', () => this.handlers.openTimeline(row.challengeId));
    return tr;
  }

  private emptyRow(loading: boolean): HTMLTableRowElement {
    return element('tr', {}, element('td', { colspan: COLUMNS.length, class: 'empty' }, loading ? 'Loading…' : 'No sign-in requests match these filters yet.'));
  }
}
