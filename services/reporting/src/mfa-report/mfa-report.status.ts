import type { DeviceDeliveryFacts, MfaReportFacts } from './mfa-report.facts';

export const REPORT_STATUSES = ['pending', 'delivered', 'received', 'success', 'denied', 'expired', 'failed', 'cancelled'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

export const DEVICE_DELIVERIES = ['pending', 'delivered', 'retrying', 'failed', 'rejected'] as const;
export type DeviceDelivery = (typeof DEVICE_DELIVERIES)[number];

/**
 * The report status, derived from facts alone: a resolution beats a receipt, which beats a dispatch, which
 * beats every device having failed, which beats pending. So a late PushDispatched never undoes `success`.
 */
export function reportStatusOf(facts: MfaReportFacts): ReportStatus {
  if (facts.resolution) return facts.resolution.outcome;
  if (facts.receivedAt) return 'received';
  const deliveries = Object.values(facts.devices);
  if (deliveries.some((device) => device.dispatchedAt)) return 'delivered';
  if (allTargetsUnreachable(facts)) return 'failed';
  return 'pending';
}

/** A device that was reached once stays `delivered`; otherwise the gravest outcome seen wins. */
export function deviceDeliveryOf(device: DeviceDeliveryFacts | undefined): DeviceDelivery {
  if (!device) return 'pending';
  if (device.dispatchedAt) return 'delivered';
  if (device.rejectedAt) return 'rejected';
  if (device.failedAt) return 'failed';
  if (device.attemptFailedAt) return 'retrying';
  return 'pending';
}

/** Only known once ChallengeIssued names the targeted devices. */
function allTargetsUnreachable(facts: MfaReportFacts): boolean {
  const targets = facts.issued?.targetDeviceIds ?? [];
  return (
    targets.length > 0 &&
    targets.every((deviceId) => {
      const delivery = deviceDeliveryOf(facts.devices[deviceId]);
      return delivery === 'failed' || delivery === 'rejected';
    })
  );
}
