import type { AdminApi } from '../api/admin-api';
import { AdminApiError } from '../api/admin-api-error';
import { element, replaceChildren } from '../dom/element';
import { formatDateTime } from '../format/time-format';
import { VisiblePoller, type VisibilitySource } from '../refresh/visible-poller';
import { mergeNewestPage, type LoadedRows } from '../reports/newest-page-merge';
import { NO_FILTERS, type ReportFilters, reportListQuery } from '../reports/report-filters';
import { DEFAULT_SUMMARY_WINDOW, seriesQuery, summaryQuery, summaryWindowById, type SummaryWindow } from '../reports/summary-window';
import { reportFiltersForm } from '../views/report-filters-form';
import { ReportTableView } from '../views/report-table-view';
import { SummaryView } from '../views/summary-view';
import { TestPushesView } from '../views/test-pushes-view';
import { TimelineView } from '../views/timeline-view';
import { IncidentsView } from '../views/incidents-view';

/** Incidents listed on the page; older ones are opened by their id. */
const INCIDENTS_LISTED = 20;

export const REFRESH_INTERVAL_MS = 5000;

/** One signed-in admin's view of the report; closed on sign-out or when the API refuses the key. */
export class ReportSession {
  private filters: ReportFilters = { ...NO_FILTERS };
  private summaryWindow: SummaryWindow = DEFAULT_SUMMARY_WINDOW;
  private loaded: LoadedRows = { rows: [], nextCursor: null };
  private loadingMore = false;
  /** Bumped on every filter change, so an answer to the previous filters is dropped instead of shown. */
  private generation = 0;
  private readonly poller: VisiblePoller;
  private readonly table: ReportTableView;
  private readonly summary: SummaryView;
  private readonly timeline: TimelineView;
  private readonly testPushes = new TestPushesView();
  private readonly incidents: IncidentsView;
  private readonly banner = element('p', { class: 'banner', role: 'alert', hidden: true });
  // Not a live region: a screen reader would otherwise announce the clock every few seconds.
  private readonly refreshState = element('p', { class: 'refresh-state' }, 'Loading…');

  constructor(
    root: HTMLElement,
    private readonly api: AdminApi,
    private readonly dependencies: { visibility: VisibilitySource; now(): number },
    private readonly signOut: (message?: string) => void,
  ) {
    this.table = new ReportTableView({ loadMore: () => void this.loadMore(), openTimeline: (challengeId) => void this.openTimeline(challengeId) });
    this.summary = new SummaryView(this.summaryWindow, (windowId) => {
      this.summaryWindow = summaryWindowById(windowId);
      void this.poller.now();
    });
    this.timeline = new TimelineView((challengeId) => {
      if (challengeId) this.table.focusRow(challengeId);
    });
    this.incidents = new IncidentsView({ openIncident: (incidentId) => void this.openIncident(incidentId) });
    const signOutButton = element('button', { type: 'button', class: 'secondary' }, 'Sign out');
    signOutButton.addEventListener('click', () => this.signOut('Signed out. The key was removed from this tab.'));
    replaceChildren(
      root,
      element('header', { class: 'topbar' }, element('h1', {}, 'MFA Report'), this.refreshState, signOutButton),
      element(
        'main',
        { class: 'report-page' },
        this.banner,
        this.summary.root,
        element(
          'section',
          { class: 'requests', 'aria-labelledby': 'requests-heading' },
          element('h2', { id: 'requests-heading' }, 'Sign-in requests'),
          reportFiltersForm(this.filters, (filters) => this.applyFilters(filters)),
          this.table.root,
        ),
        this.testPushes.root,
        this.incidents.root,
      ),
      this.timeline.root,
      this.incidents.dialog,
    );
    this.table.show({ rows: [], hasMore: false, loading: true });
    this.poller = new VisiblePoller(() => this.refresh(), REFRESH_INTERVAL_MS, dependencies.visibility);
    dependencies.visibility.addEventListener('visibilitychange', this.showRefreshState);
    this.poller.start();
    void this.poller.now();
  }

  close(): void {
    this.poller.stop();
    this.dependencies.visibility.removeEventListener('visibilitychange', this.showRefreshState);
    if (this.timeline.root.open) this.timeline.root.close();
    if (this.incidents.dialog.open) this.incidents.dialog.close();
  }

  private readonly showRefreshState = () => {
    if (this.dependencies.visibility.hidden) this.refreshState.textContent = 'Paused while this tab is hidden';
  };

  private applyFilters(filters: ReportFilters): void {
    this.filters = filters;
    this.generation += 1;
    this.loaded = { rows: [], nextCursor: null };
    this.table.show({ rows: [], hasMore: false, loading: true });
    void this.poller.now();
  }

  private async refresh(): Promise<void> {
    const generation = this.generation;
    const now = this.dependencies.now();
    try {
      const [newest, summary, series, incidents] = await Promise.all([
        this.api.listReports(reportListQuery(this.filters)),
        this.api.summarize(summaryQuery(this.summaryWindow, now)),
        this.api.summarizeSeries(seriesQuery(this.summaryWindow, now)),
        this.api.listIncidents(new URLSearchParams({ limit: String(INCIDENTS_LISTED) })),
        this.refreshTimeline().catch((error: unknown) => this.timelineFailed(error)),
        this.refreshTestPushes(generation),
      ]);
      this.incidents.showList(incidents.items);
      if (generation === this.generation) {
        this.loaded = mergeNewestPage(this.loaded, { rows: newest.items, nextCursor: newest.nextCursor });
        this.showRows();
      }
      this.summary.show(summary, series);
      this.showProblem(undefined);
      this.refreshState.textContent = `Updated ${formatDateTime(new Date(this.dependencies.now()).toISOString())} · refreshes every ${REFRESH_INTERVAL_MS / 1000} s`;
    } catch (error) {
      this.fail(error);
    }
  }

  private async loadMore(): Promise<void> {
    if (this.loadingMore || !this.loaded.nextCursor) return;
    const generation = this.generation;
    this.loadingMore = true;
    this.showRows();
    try {
      const page = await this.api.listReports(reportListQuery(this.filters, this.loaded.nextCursor));
      if (generation === this.generation) {
        const known = new Set(this.loaded.rows.map((row) => row.challengeId));
        this.loaded = { rows: [...this.loaded.rows, ...page.items.filter((row) => !known.has(row.challengeId))], nextCursor: page.nextCursor };
      }
    } catch (error) {
      this.fail(error);
    } finally {
      this.loadingMore = false;
      this.showRows();
    }
  }

  private async openTimeline(challengeId: string): Promise<void> {
    this.timeline.showLoading(challengeId);
    await this.refreshTimeline()
      .catch((error: unknown) => this.timelineFailed(error))
      .catch((error: unknown) => this.fail(error));
  }

  /** A timeline that cannot be read says so in the dialog; only a refused key goes further. */
  private timelineFailed(error: unknown): void {
    if (error instanceof AdminApiError && error.failure === 'signed-out') throw error;
    this.timeline.showError(error instanceof AdminApiError ? error.message : 'The timeline could not be read.');
  }

  private async refreshTimeline(): Promise<void> {
    const challengeId = this.timeline.challengeId;
    if (!challengeId) return;
    const report = await this.api.readReport(challengeId);
    if (this.timeline.challengeId === challengeId) this.timeline.show(report);
  }

  /** While the report is filtered by a user, that user's test pushes. */
  private async refreshTestPushes(generation: number): Promise<void> {
    const userId = this.filters.userId.trim() || undefined;
    const items = userId === undefined ? [] : (await this.api.listTestPushes(userId)).items;
    if (generation === this.generation) this.testPushes.show(userId, items);
  }

  private async openIncident(incidentId: string): Promise<void> {
    this.incidents.showLoading(incidentId);
    try {
      this.incidents.show(await this.api.readIncident(incidentId));
    } catch (error) {
      if (error instanceof AdminApiError && error.failure === 'signed-out') return this.fail(error);
      this.incidents.showError(
        error instanceof AdminApiError && error.status === 404
          ? `No incident ${incidentId} in this workspace: check the id with the user (it may also be past its retention).`
          : error instanceof AdminApiError
            ? error.message
            : 'The incident could not be read.',
      );
    }
  }

  private showRows(): void {
    this.table.show({ rows: this.loaded.rows, hasMore: this.loaded.nextCursor !== null, loading: this.loadingMore });
  }

  private fail(error: unknown): void {
    if (error instanceof AdminApiError && error.failure === 'signed-out') return this.signOut(error.message);
    this.showProblem(error instanceof AdminApiError ? error.message : 'Something went wrong while reading the report. Retrying.');
  }

  private showProblem(message: string | undefined): void {
    this.banner.hidden = message === undefined;
    this.banner.textContent = message ?? '';
  }
}
