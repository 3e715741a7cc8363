import type { DeviceProfile } from './device-profile.store';
import { ServerRefusal, SignedDeviceClient } from './signed-device.client';

/** One row of the app's Pending tab (API.md: never the number itself). */
export interface PendingChallenge {
  challengeId: string;
  createdAt: string;
  expiresAt: string;
  context: { ipAddress?: string; location?: string; userAgent?: string; application?: string } | undefined;
  numberMatchRequired: boolean;
  /** A "choose" request: the three numbers the app offers to tap, one of them the sign-in page's. */
  numberChoices?: string[];
}

export interface ChallengeAnswer {
  decision: 'approve' | 'deny';
  numberMatch?: string | undefined;
  fraud?: boolean | undefined;
  userVerified?: boolean | undefined;
}

/** The device side of the challenge service, for one paired profile. */
export class DeviceChallengeApi {
  private readonly client: SignedDeviceClient;

  constructor(
    private readonly profile: DeviceProfile,
    private readonly challengeUrl: string,
  ) {
    this.client = new SignedDeviceClient(profile.privateJwk);
  }

  async listPending(): Promise<PendingChallenge[]> {
    const answer = await this.client.send({
      method: 'GET',
      baseUrl: this.challengeUrl,
      path: '/v1/device/challenges?status=pending',
      deviceId: this.profile.deviceId,
    });
    const items = answer.body?.items;
    return Array.isArray(items) ? (items as PendingChallenge[]) : [];
  }

  /** Best effort: the answer that follows reports whatever made the receipt fail. */
  async acknowledgeReceipt(challengeId: string): Promise<void> {
    try {
      await this.client.send({ method: 'POST', baseUrl: this.challengeUrl, path: `${challengePath(challengeId)}/receipt`, deviceId: this.profile.deviceId });
    } catch (error) {
      if (!(error instanceof ServerRefusal)) throw error;
    }
  }

  /** Returns the challenge status the server settled on. */
  async respond(challengeId: string, answer: ChallengeAnswer): Promise<string> {
    const body: Record<string, unknown> = { decision: answer.decision };
    if (answer.numberMatch !== undefined) body.numberMatch = answer.numberMatch;
    if (answer.fraud) body.fraud = true;
    if (answer.userVerified) body.userVerified = true;
    const result = await this.client.send({
      method: 'POST',
      baseUrl: this.challengeUrl,
      path: `${challengePath(challengeId)}/response`,
      body,
      deviceId: this.profile.deviceId,
    });
    return typeof result.body?.status === 'string' ? result.body.status : 'unknown';
  }
}

function challengePath(challengeId: string): string {
  return `/v1/device/challenges/${encodeURIComponent(challengeId)}`;
}
