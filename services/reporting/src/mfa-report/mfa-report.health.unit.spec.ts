import type { MfaReportRow } from './mfa-report.row';
import { type KnownDevice, withDeviceHealth } from './mfa-report.health';

const row: MfaReportRow = {
  challengeId: 'c1',
  userId: 'alice',
  status: 'delivered',
  createdAt: '2026-12-05T08:00:00.000Z',
  poolId: 'default',
  factor: 'second',
  devices: [
    { deviceId: 'd1', delivery: 'delivered' },
    { deviceId: 'd2', delivery: 'delivered' },
  ],
  context: {},
  fraudReported: false,
};
const reportedAt = '2026-12-05T07:59:00.000Z';

describe('report row health', () => {
  it('says nothing when no device reported its health', () => {
    expect(withDeviceHealth(row, new Map())).toEqual(row);
  });

  it('names what may hide the push and on which device, by name, else platform', () => {
    const known = new Map<string, KnownDevice>([
      ['d1', { name: "Alice's iPhone", platform: 'ios', health: { reportedAt, notifications: 'denied' } }],
      ['d2', { platform: 'android', health: { reportedAt, batterySaver: true, focusMode: true } }],
    ]);
    const shown = withDeviceHealth(row, known);
    expect(shown.healthSummary).toBe("Delivered — notifications are turned off on Alice's iPhone; Focus mode is on, battery saver is on for an Android device");
    expect(shown.devices[0]).toEqual({ deviceId: 'd1', delivery: 'delivered', health: { reportedAt, notifications: 'denied' } });
  });

  it('says the devices report no problem when every report is healthy', () => {
    const known = new Map<string, KnownDevice>([['d1', { health: { reportedAt, notifications: 'allowed' } }]]);
    const shown = withDeviceHealth(row, known);
    expect(shown.healthSummary).toBe('Delivered — the devices report no problem');
    expect(shown.devices[1]).toEqual({ deviceId: 'd2', delivery: 'delivered' });
  });
});
