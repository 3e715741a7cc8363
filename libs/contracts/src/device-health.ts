import type { EventData } from './event-catalog';

/** What the app reports about itself on its health heartbeat: DeviceHealthReported without the ids and the time. */
export type ReportedDeviceHealth = Omit<EventData<'DeviceHealthReported'>, 'deviceId' | 'userId' | 'reportedAt'>;

/** The fields the wording reads. */
export type DeviceHealth = Pick<ReportedDeviceHealth, 'notifications' | 'focusMode' | 'batterySaver' | 'backgroundRefresh'>;

/**
 * What may keep a push from being seen, in admins' words, gravest first: empty when nothing the app reported
 * stands in the way. Fields the app did not report say nothing.
 */
export function deviceHealthIssues(health: DeviceHealth): string[] {
  const issues: string[] = [];
  if (health.notifications === 'denied') issues.push('notifications are turned off');
  if (health.focusMode === true) issues.push('Focus mode is on');
  if (health.batterySaver === true) issues.push('battery saver is on');
  if (health.backgroundRefresh === false) issues.push('background refresh is off');
  return issues;
}

/** A short sentence for the device list: the issues joined, or "healthy". */
export function deviceHealthSummary(health: DeviceHealth): string {
  const issues = deviceHealthIssues(health);
  return issues.length > 0 ? issues.join(', ') : 'healthy';
}
