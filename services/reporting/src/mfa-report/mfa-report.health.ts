import { deviceHealthIssues, type ReportedDeviceHealth } from '@pushmfa/contracts';
import type { MfaReportRow } from './mfa-report.row';

/**
 * The health badges a report can be filtered on (`health=`): each names one issue deviceHealthIssues words, for a
 * device of the row whose last health report shows it.
 */
export const HEALTH_BADGES = ['notifications_off', 'focus_mode', 'battery_saver', 'background_refresh_off'] as const;
export type HealthBadge = (typeof HEALTH_BADGES)[number];

/** What the reporting service knows of one device: its name and platform, and its last health report. */
export interface KnownDevice {
  name?: string;
  platform?: string;
  health?: ReportedHealth;
}

/** DeviceHealthReported's data without the ids. */
export type ReportedHealth = ReportedDeviceHealth & { reportedAt: string };

export type MfaReportRowWithHealth<R extends MfaReportRow = MfaReportRow> = Omit<R, 'devices'> & {
  devices: (MfaReportRow['devices'][number] & { health?: ReportedHealth })[];
  /** e.g. "Delivered — notifications are turned off on Alice's iPhone"; absent when no device reported its health. */
  healthSummary?: string;
};

/** Gives each device of the row its last health report, and the row a sentence naming what may hide the push. */
export function withDeviceHealth<R extends MfaReportRow>(row: R, known: ReadonlyMap<string, KnownDevice>): MfaReportRowWithHealth<R> {
  const devices = row.devices.map((device) => {
    const health = known.get(device.deviceId)?.health;
    return health ? { ...device, health } : device;
  });
  const reported = row.devices.filter((device) => known.get(device.deviceId)?.health);
  if (reported.length === 0) return { ...row, devices };
  const problems = reported.flatMap((device) => {
    const info = known.get(device.deviceId)!;
    const issues = deviceHealthIssues(info.health!);
    if (issues.length === 0) return [];
    const said = issues.join(', ');
    // "battery saver is on on a phone" reads badly: "… is on for a phone".
    return [`${said}${said.endsWith(' on') ? ' for' : ' on'} ${deviceLabel(device.deviceId, info)}`];
  });
  const status = row.status.charAt(0).toUpperCase() + row.status.slice(1);
  const healthSummary = `${status} — ${problems.length > 0 ? problems.join('; ') : 'the devices report no problem'}`;
  return { ...row, devices, healthSummary };
}

/** The device's name if known, else its platform, else its id. */
function deviceLabel(deviceId: string, known: KnownDevice): string {
  if (known.name) return known.name;
  if (known.platform === 'ios') return 'an iOS device';
  if (known.platform === 'android') return 'an Android device';
  return `device ${deviceId}`;
}
