import { deviceHealthIssues, deviceHealthSummary } from './device-health';

describe('device health wording', () => {
  it('says healthy when nothing reported stands in the way', () => {
    expect(deviceHealthSummary({})).toBe('healthy');
    expect(deviceHealthSummary({ notifications: 'allowed', focusMode: false, batterySaver: false, backgroundRefresh: true })).toBe('healthy');
  });

  it('names each issue in admins’ words', () => {
    expect(deviceHealthSummary({ notifications: 'denied' })).toBe('notifications are turned off');
    expect(deviceHealthSummary({ focusMode: true })).toBe('Focus mode is on');
    expect(deviceHealthSummary({ batterySaver: true })).toBe('battery saver is on');
    expect(deviceHealthSummary({ backgroundRefresh: false })).toBe('background refresh is off');
  });

  it('lists several issues gravest first', () => {
    expect(deviceHealthIssues({ backgroundRefresh: false, notifications: 'denied', focusMode: true })).toEqual([
      'notifications are turned off',
      'Focus mode is on',
      'background refresh is off',
    ]);
    expect(deviceHealthSummary({ batterySaver: true, notifications: 'denied' })).toBe('notifications are turned off, battery saver is on');
  });
});
