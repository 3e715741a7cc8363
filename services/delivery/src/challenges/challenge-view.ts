import type { ChallengeContext } from '@pushmfa/contracts';

export type ChallengeViewStatus = 'pending' | 'approved' | 'denied' | 'expired' | 'cancelled';

export interface TargetDevice {
  deviceId: string;
  pushProvider: 'fcm' | 'apns';
}

/** Delivery's own view of a challenge: is it still worth pushing, until when, and to which devices. */
export interface ChallengeView {
  workspaceId: string;
  challengeId: string;
  userId: string;
  status: ChallengeViewStatus;
  expiresAtMs: number;
  targetDevices: TargetDevice[];
  context: ChallengeContext;
  /** A `choose` challenge's three numbers for the app to offer (none of them marked); absent otherwise. */
  numberChoices?: string[];
}
