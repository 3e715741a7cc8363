import type { Incident, IncidentSummary } from '../api/report-types';
import { element, replaceChildren } from '../dom/element';
import { formatDateTime, formatDetail } from '../format/time-format';

export interface IncidentsHandlers {
  /** Opens one incident by the id the user read out (as typed: the service reads O/0 and I/L/1 alike). */
  openIncident(incidentId: string): void;
}

const COLUMNS = ['Shared', 'Incident', 'User', 'Request', 'App version', 'Lines', 'Kept until'];

/** The app logs users shared with support: newest first, a lookup by incident id, and one incident's logs in a dialog. */
export class IncidentsView {
  readonly root: HTMLElement;
  readonly dialog: HTMLDialogElement;
  private readonly body = element('tbody');
  private readonly dialogHeading = element('h2', { id: 'incident-heading' }, 'Incident');
  private readonly dialogContent = element('div', { class: 'timeline-content' });
  private shownIncidentId: string | undefined;

  constructor(private readonly handlers: IncidentsHandlers) {
    const input = element('input', { type: 'text', name: 'incidentId', placeholder: 'INC-XXXX-XXXX', 'aria-label': 'Incident id', autocomplete: 'off' });
    const form = element('form', { class: 'incident-lookup' }, input, element('button', { type: 'submit' }, 'Open incident'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const typed = input.value.trim();
      if (typed) handlers.openIncident(typed);
    });
    this.root = element(
      'section',
      { class: 'incidents', 'aria-labelledby': 'incidents-heading' },
      element('h2', { id: 'incidents-heading' }, 'App logs shared with support'),
      form,
      element(
        'div',
        { class: 'table-scroll' },
        element(
          'table',
          { class: 'incidents-table' },
          element('caption', { class: 'visually-hidden' }, 'Incidents, newest first. Choose one to read its logs.'),
          element('thead', {}, element('tr', {}, ...COLUMNS.map((column) => element('th', { scope: 'col' }, column)))),
          this.body,
        ),
      ),
    );
    const close = element('button', { type: 'button', class: 'secondary close', 'aria-label': 'Close the incident' }, 'Close');
    close.addEventListener('click', () => this.dialog.close());
    this.dialog = element(
      'dialog',
      { class: 'timeline incident', 'aria-labelledby': 'incident-heading' },
      element('header', {}, this.dialogHeading, close),
      this.dialogContent,
    );
    this.dialog.addEventListener('close', () => (this.shownIncidentId = undefined));
  }

  get incidentId(): string | undefined {
    return this.shownIncidentId;
  }

  showList(items: readonly IncidentSummary[]): void {
    if (items.length === 0) {
      replaceChildren(this.body, element('tr', {}, element('td', { colspan: COLUMNS.length }, 'No app logs were shared in the retention period.')));
      return;
    }
    replaceChildren(
      this.body,
      ...items.map((incident) => {
        const open = element('button', { type: 'button', class: 'link mono' }, incident.incidentId);
        open.addEventListener('click', () => this.handlers.openIncident(incident.incidentId));
        return element(
          'tr',
          { 'data-incident-id': incident.incidentId },
          element('td', {}, formatDateTime(incident.sharedAt)),
          element('td', {}, open),
          element('td', {}, incident.userId),
          element('td', { class: 'mono' }, incident.challengeId ?? '—'),
          element('td', {}, incident.appVersion ?? ''),
          element('td', { class: 'number' }, incident.lineCount),
          element('td', {}, formatDateTime(incident.expiresAt)),
        );
      }),
    );
  }

  showLoading(incidentId: string): void {
    this.shownIncidentId = incidentId;
    this.dialogHeading.textContent = `Incident ${incidentId}`;
    replaceChildren(this.dialogContent, element('p', {}, 'Loading…'));
    if (!this.dialog.open) this.dialog.showModal();
  }

  showError(message: string): void {
    replaceChildren(this.dialogContent, element('p', { class: 'form-message', role: 'alert' }, message));
  }

  show(incident: Incident): void {
    this.shownIncidentId = incident.incidentId;
    this.dialogHeading.textContent = `Incident ${incident.incidentId}: ${incident.userId}'s app logs`;
    replaceChildren(
      this.dialogContent,
      element('dl', { class: 'facts' }, ...incidentFacts(incident).flatMap(([label, value]) => [element('dt', {}, label), element('dd', {}, value)])),
      element('h3', {}, `Log lines (${incident.lineCount}, redacted on arrival)`),
      // Text only: a log line can never become markup.
      element('pre', { class: 'incident-logs' }, incident.logs.join('\n')),
    );
  }
}

/** The facts an admin reads above the logs, in order; absent ones are left out. */
export function incidentFacts(incident: IncidentSummary): [string, string][] {
  const facts: [string, string | null][] = [
    ['Shared', formatDateTime(incident.sharedAt)],
    ['User', incident.userId],
    ['Device', incident.deviceId],
    ['Request', incident.challengeId],
    ['App version', incident.appVersion],
    ['Health', incident.health ? formatDetail(incident.health) : null],
    ['Deleted after', formatDateTime(incident.expiresAt)],
  ];
  return facts.filter((fact): fact is [string, string] => fact[1] !== null && fact[1] !== '');
}
