import type { TestPush } from '../api/report-types';
import { element, replaceChildren } from '../dom/element';
import { formatDateTime } from '../format/time-format';
import { testPushMeaning, testPushWord } from '../reports/test-push-words';

const COLUMNS = ['Sent', 'Device', 'Result', 'Delivered', 'Received', 'What it means'];

/** A user's test pushes (sent by an admin through the registry API), shown while the report is filtered by that user. */
export class TestPushesView {
  readonly root: HTMLElement;
  private readonly heading = element('h2', { id: 'test-pushes-heading' }, 'Test pushes');
  private readonly body = element('tbody');

  constructor() {
    this.root = element(
      'section',
      { class: 'test-pushes', 'aria-labelledby': 'test-pushes-heading', hidden: true },
      this.heading,
      element(
        'div',
        { class: 'table-scroll' },
        element(
          'table',
          { class: 'reports' },
          element('thead', {}, element('tr', {}, ...COLUMNS.map((column) => element('th', { scope: 'col' }, column)))),
          this.body,
        ),
      ),
    );
  }

  /** Shows the user's test pushes; hidden without a user filter. */
  show(userId: string | undefined, items: readonly TestPush[]): void {
    this.root.hidden = userId === undefined;
    if (userId === undefined) return;
    this.heading.textContent = `Test pushes to ${userId}'s devices`;
    const rows = items.map((push) => {
      const { word, tone } = testPushWord(push);
      return element(
        'tr',
        { 'data-test-push-id': push.testPushId },
        element('td', {}, push.requestedAt ? formatDateTime(push.requestedAt) : '—'),
        element('td', {}, push.deviceName ?? push.deviceId),
        element('td', {}, element('span', { class: `chip tone-${tone}`, 'data-status': push.status }, word)),
        element('td', {}, push.deliveredAt ? formatDateTime(push.deliveredAt) : '—'),
        element('td', {}, push.receivedAt ? formatDateTime(push.receivedAt) : '—'),
        element('td', {}, testPushMeaning(push)),
      );
    });
    const empty = element('tr', {}, element('td', { colspan: COLUMNS.length }, 'No test pushes to this user yet.'));
    replaceChildren(this.body, ...(rows.length > 0 ? rows : [empty]));
  }
}
