/** The APNs error reasons the emulator can be scripted to answer, with the status Apple pairs them with. */
export const APNS_FAILURE_STATUS = {
  BadDeviceToken: 400,
  BadCollapseId: 400,
  BadExpirationDate: 400,
  BadPriority: 400,
  BadTopic: 400,
  DeviceTokenNotForTopic: 400,
  MissingTopic: 400,
  PayloadEmpty: 400,
  TopicDisallowed: 400,
  InvalidPushType: 400,
  BadMessageId: 400,
  ExpiredProviderToken: 403,
  InvalidProviderToken: 403,
  MissingProviderToken: 403,
  Unregistered: 410,
  PayloadTooLarge: 413,
  TooManyProviderTokenUpdates: 429,
  TooManyRequests: 429,
  InternalServerError: 500,
  ServiceUnavailable: 503,
  Shutdown: 503,
} as const;
export type ApnsFailureReason = keyof typeof APNS_FAILURE_STATUS;

export interface ApnsErrorBody {
  reason: ApnsFailureReason;
  /** Only with 410: when APNs learned the token stopped being valid (ms since epoch). */
  timestamp?: number;
}

export function apnsErrorBody(reason: ApnsFailureReason, nowMs: number): ApnsErrorBody {
  return reason === 'Unregistered' ? { reason, timestamp: nowMs } : { reason };
}
