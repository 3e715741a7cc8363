import type { ReportDetail } from '../api/report-types';
import { element, replaceChildren } from '../dom/element';
import { formatDateTime, formatDetail, formatOffset } from '../format/time-format';
import { approvedWithWord, deliveryWord, numberMatchingWords, reasonWord, timelineEventWord } from '../reports/status-words';
import { fraudFlag, statusChip } from './status-chip';

/** One request's timeline in a modal dialog: every event with its time, and each device's delivery outcome. */
export class TimelineView {
  readonly root: HTMLDialogElement;
  private readonly content = element('div', { class: 'timeline-content' });
  private readonly heading = element('h2', { id: 'timeline-heading' }, 'Timeline');
  private shownChallengeId: string | undefined;
  /** What is on screen, so a refresh that changed nothing leaves the dialog (and its scroll position) alone. */
  private shownJson: string | undefined;

  /** `onClose` learns which request was shown, so focus can go back to its row. */
  constructor(onClose: (challengeId: string | undefined) => void) {
    const close = element('button', { type: 'button', class: 'secondary close', 'aria-label': 'Close the timeline' }, 'Close');
    close.addEventListener('click', () => this.root.close());
    this.root = element('dialog', { class: 'timeline', 'aria-labelledby': 'timeline-heading' }, element('header', {}, this.heading, close), this.content);
    this.root.addEventListener('close', () => {
      const challengeId = this.shownChallengeId;
      this.shownChallengeId = undefined;
      this.shownJson = undefined;
      onClose(challengeId);
    });
  }

  get challengeId(): string | undefined {
    return this.shownChallengeId;
  }

  showLoading(challengeId: string): void {
    this.shownChallengeId = challengeId;
    this.shownJson = undefined;
    this.heading.textContent = 'Timeline';
    replaceChildren(this.content, element('p', {}, 'Loading…'));
    if (!this.root.open) this.root.showModal();
  }

  showError(message: string): void {
    this.shownJson = undefined;
    replaceChildren(this.content, element('p', { class: 'form-message', role: 'alert' }, message));
  }

  show(report: ReportDetail): void {
    const json = JSON.stringify(report);
    if (json === this.shownJson) return;
    this.shownJson = json;
    this.shownChallengeId = report.challengeId;
    this.heading.textContent = `Timeline of ${report.userId}'s request`;
    const context = Object.entries(report.context).filter(([, value]) => value);
    replaceChildren(
      this.content,
      element(
        'dl',
        { class: 'facts' },
        element('dt', {}, 'Status'),
        element('dd', {}, statusChip(report.status, report.reason), report.fraudReported ? fraudFlag() : null),
        ...(report.reason ? [element('dt', {}, 'Reason'), element('dd', {}, reasonWord(report.reason))] : []),
        ...(report.approvedWith ? [element('dt', {}, 'How'), element('dd', { class: 'approved-with' }, approvedWithWord(report.approvedWith))] : []),
        ...(report.pushLock
          ? [
              element('dt', {}, 'Push locked'),
              element(
                'dd',
                { class: 'push-lock' },
                `after ${reasonWord(report.pushLock.reason)}, until ${formatDateTime(report.pushLock.lockedUntil)}` +
                  (report.pushLock.unlockedAt ? `; unlocked by an admin ${formatDateTime(report.pushLock.unlockedAt)}` : ''),
              ),
            ]
          : []),
        element('dt', {}, 'Created'),
        element('dd', {}, formatDateTime(report.createdAt)),
        ...(report.factor
          ? [
              element('dt', {}, 'Sign-in step'),
              element('dd', {}, report.factor === 'first' ? 'Passwordless push (first factor)' : 'Push after the password (second factor)'),
            ]
          : []),
        ...(report.poolId ? [element('dt', {}, 'Identity pool'), element('dd', { class: 'mono' }, report.poolId)] : []),
        ...(report.numberMatching
          ? [element('dt', {}, 'Number matching'), element('dd', { class: 'number-matching' }, numberMatchingWords(report.numberMatching))]
          : []),
        element('dt', {}, 'Request id'),
        element('dd', { class: 'mono' }, report.challengeId),
        ...context.flatMap(([key, value]) => [element('dt', {}, contextLabel(key)), element('dd', {}, String(value))]),
      ),
      element('h3', {}, 'Devices'),
      report.devices.length === 0
        ? element('p', {}, 'No device was targeted.')
        : element(
            'ul',
            { class: 'device-outcomes' },
            ...report.devices.map((device) =>
              element(
                'li',
                { 'data-device-id': device.deviceId },
                element('span', { class: 'mono' }, device.deviceId),
                ' — ',
                element('span', { class: `delivery delivery-${device.delivery}` }, deliveryWord(device.delivery)),
              ),
            ),
          ),
      element('h3', {}, 'Events'),
      element(
        'table',
        { class: 'events' },
        element(
          'thead',
          {},
          element('tr', {}, ...['Time', 'After issue', 'Event', 'Device', 'Detail'].map((column) => element('th', { scope: 'col' }, column))),
        ),
        element(
          'tbody',
          {},
          ...report.timeline.map((item) =>
            element(
              'tr',
              { 'data-event-type': item.type },
              element('td', {}, formatDateTime(item.at)),
              element('td', { class: 'number' }, formatOffset(report.createdAt, item.at)),
              element('td', {}, eventCell(item.type, item.detail)),
              element('td', { class: 'mono' }, item.deviceId ?? ''),
              element('td', {}, formatDetail(item.detail)),
            ),
          ),
        ),
      ),
    );
  }
}

/** The event in words, with its contract type name beside it for admins who search logs or SIEM data. */
function eventCell(type: string, detail: Record<string, unknown> | undefined): HTMLElement {
  const word = timelineEventWord(type, detail);
  return element('span', { class: 'event' }, word, word === type ? null : element('small', { class: 'event-type mono' }, type));
}

const CONTEXT_LABELS: Record<string, string> = { ipAddress: 'IP address', location: 'Location', userAgent: 'Browser', application: 'Application' };

function contextLabel(key: string): string {
  return CONTEXT_LABELS[key] ?? key;
}
