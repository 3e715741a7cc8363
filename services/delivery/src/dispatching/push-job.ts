/** One push of one challenge to one device, as the scheduler carries it from try to try. */
export interface PushJob {
  workspaceId: string;
  challengeId: string;
  userId: string;
  deviceId: string;
  /** The provider the challenge named for the device; the device projection's own value wins when known. */
  pushProvider: 'fcm' | 'apns';
  /** 1 for the issue, then one more per resend (see `pushRoundOfResend`). */
  round: number;
  /** 1-based try within the round; retries of transient failures add one. */
  tryNumber: number;
  /** An earlier try of this round was rate limited (APNs gets one retry for that). */
  rateLimitRetried?: boolean;
  /** Device look-ups already made while the device was unknown. */
  deviceLookups: number;
  correlationId: string;
  /** When the challenge event that asked for this push happened (epoch ms; the dispatch latency SLI counts from it). */
  requestedAtMs?: number;
  /** Id of the challenge event that asked for this push. */
  causationId: string;
  traceparent?: string;
}
