/** What the sign-in context tells the user on the device; never the number to match (API.md). */
export interface PushContext {
  application?: string;
  ipAddress?: string;
  location?: string;
  userAgent?: string;
}

export interface PushMessage {
  challengeId: string;
  workspaceId: string;
  deviceId: string;
  pushToken: string;
  /** Epoch ms: the push is useless after it, so providers drop it (TTL / apns-expiration). */
  expiresAt: number;
  context: PushContext;
  /** A `choose` challenge: the three numbers the app offers the user to tap, none of them marked. */
  numberChoices?: string[];
  /** 1 for the first send of a challenge to a device, then one more per resend or retry. */
  attempt: number;
}

/** An admin's test push: a plain notification saying it is a test, with nothing to approve. */
export interface TestPushMessage {
  testPushId: string;
  workspaceId: string;
  deviceId: string;
  pushToken: string;
  /** Epoch ms: providers drop it after this. */
  expiresAt: number;
  attempt: number;
}

export interface PushSendOptions {
  /** Absolute epoch ms by which send() settles, with `timeout` if the provider has not answered. */
  deadlineMs: number;
}

export type PushResult =
  | { outcome: 'accepted'; providerMessageId: string; latencyMs: number }
  /** The token will never work again: mark it invalid, do not retry. */
  | { outcome: 'dead_token'; reason: string }
  | { outcome: 'transient'; reason: string; retryAfterMs?: number }
  | { outcome: 'rate_limited'; reason: string; retryAfterMs?: number }
  /** The provider refused what we sent: our bug, retrying the same message will not help. */
  | { outcome: 'rejected'; reason: string }
  /** Our credentials or configuration are wrong: every send will fail until an operator acts. */
  | { outcome: 'auth_error'; reason: string }
  | { outcome: 'timeout' };

export type PushOutcome = PushResult['outcome'];

export interface PushProvider {
  readonly name: 'fcm' | 'apns';
  /** Never throws for a provider answer or a network failure: every ending is a PushResult. */
  send(message: PushMessage | TestPushMessage, options: PushSendOptions): Promise<PushResult>;
  close(): Promise<void>;
}
