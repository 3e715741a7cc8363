import { generateKeyPairSync } from 'node:crypto';
import { base32Decode, offlineCodeAt, signDeviceRequest } from '@pushmfa/device-auth';
import { callJson, eventually, type JsonAnswer } from '@pushmfa/testing';
import { EVENTS_ARRIVE_WITHIN_MS } from './events-arrive-within';

export type PhoneKind = { platform: 'android'; pushProvider: 'fcm' } | { platform: 'ios'; pushProvider: 'apns' };

export const ANDROID: PhoneKind = { platform: 'android', pushProvider: 'fcm' };
export const IPHONE: PhoneKind = { platform: 'ios', pushProvider: 'apns' };

export interface ScannedPairing {
  phone: TestPhone;
  /** What the app shows for the user to type into the platform's portal. */
  confirmationCode: string;
}

export interface PhoneAnswer {
  decision: 'approve' | 'deny';
  numberMatch?: string;
  fraud?: boolean;
  /** The user passed the phone's biometric or PIN check (a passwordless sign-in needs it). */
  userVerified?: boolean;
}

/**
 * An authenticator app as the public contract sees it: it scans a pairing QR code, keeps its private key, and
 * signs every request it makes. Answers come back as they arrived, refusals included; a network failure throws.
 */
export class TestPhone {
  private offlineCodeSecret: Buffer | undefined;

  private constructor(
    readonly deviceId: string,
    readonly kind: PhoneKind,
    readonly pushToken: string,
    private readonly privateJwk: Record<string, unknown>,
    /** Where the app reaches the challenge API; a test may put a faulty network in between. */
    public challengeUrl: string,
    /** Where the app reaches the registry (from the pairing QR code). */
    readonly registryUrl: string,
  ) {}

  /** Scans `pushmfa://pair?...`, makes a key pair and registers it (signed with the new key, no device id). */
  static async scan(qrUri: string, kind: PhoneKind, pushToken: string, challengeUrl: string): Promise<ScannedPairing> {
    const qr = new URL(qrUri.replace(/^pushmfa:\/\//, 'https://'));
    const registryUrl = qr.searchParams.get('url')!;
    const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const privateJwk = keys.privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
    const path = `/v1/pairings/${qr.searchParams.get('pid')}/register`;
    const body = JSON.stringify({
      secret: qr.searchParams.get('s'),
      publicKey: keys.publicKey.export({ format: 'jwk' }),
      ...kind,
      pushToken,
      appVersion: '1.0.0',
    });
    const answer = await callJson(
      registryUrl,
      'POST',
      path,
      undefined,
      body,
      headersOf(signDeviceRequest(privateJwk, { method: 'POST', pathWithQuery: path, body })),
    );
    if (answer.status !== 201) throw new Error(`register answered ${answer.status} ${JSON.stringify(answer.body)}`);
    return {
      phone: new TestPhone(answer.body.deviceId, kind, pushToken, privateJwk, challengeUrl, registryUrl),
      confirmationCode: answer.body.confirmationCode,
    };
  }

  /** The Pending tab, pulled to refresh. */
  pending(): Promise<JsonAnswer> {
    return this.send(this.challengeUrl, 'GET', '/v1/device/challenges?status=pending');
  }

  /** Waits until the challenge service has learned of this phone (its signed requests are accepted there). */
  async untilRecognised(): Promise<void> {
    await eventually(
      async () => ((await this.pending()).status === 200 ? true : undefined),
      `the challenge service to recognise device ${this.deviceId}`,
      EVENTS_ARRIVE_WITHIN_MS,
    );
  }

  /** Waits until the challenge service refuses this phone (revoked, or its user's MFA reset). */
  async untilRefused(): Promise<JsonAnswer> {
    return eventually(
      async () => {
        const answer = await this.pending();
        return answer.status === 401 ? answer : undefined;
      },
      `the challenge service to refuse device ${this.deviceId}`,
      EVENTS_ARRIVE_WITHIN_MS,
    );
  }

  /** The app tells the server the request reached it. */
  acknowledgeReceipt(challengeId: string): Promise<JsonAnswer> {
    return this.send(this.challengeUrl, 'POST', `/v1/device/challenges/${challengeId}/receipt`);
  }

  /** The app's signed health heartbeat to the registry (`PUT /v1/device/health`): what may keep it from showing a push. */
  reportHealth(health: Record<string, unknown>): Promise<JsonAnswer> {
    return this.send(this.registryUrl, 'PUT', '/v1/device/health', health);
  }

  /** The app tells the registry an admin's test push reached it. */
  acknowledgeTestPush(testPushId: string): Promise<JsonAnswer> {
    return this.send(this.registryUrl, 'POST', `/v1/device/test-pushes/${testPushId}/receipt`);
  }

  respond(challengeId: string, answer: PhoneAnswer): Promise<JsonAnswer> {
    return this.send(this.challengeUrl, 'POST', `/v1/device/challenges/${challengeId}/response`, answer);
  }

  approve(challengeId: string, numberMatch: string | undefined): Promise<JsonAnswer> {
    return this.respond(challengeId, { decision: 'approve', ...(numberMatch === undefined ? {} : { numberMatch }) });
  }

  deny(challengeId: string, options: { fraud?: boolean } = {}): Promise<JsonAnswer> {
    return this.respond(challengeId, { decision: 'deny', ...options });
  }

  /** The last step of pairing: agree the offline-code secret with the challenge service; the app keeps it. */
  async enrolOfflineCode(): Promise<JsonAnswer> {
    const answer = await this.send(this.challengeUrl, 'POST', '/v1/device/offline-code');
    if (answer.status === 201) this.offlineCodeSecret = base32Decode(String(answer.body.secret));
    return answer;
  }

  /** What the app shows now when no push arrives (`npm run device -- code` computes it the same way). */
  offlineCode(): string {
    if (!this.offlineCodeSecret) throw new Error(`device ${this.deviceId} has no offline code: enrol first`);
    return offlineCodeAt(this.offlineCodeSecret, Date.now());
  }

  /** "Share app logs with support": answers 202 {incidentId}. */
  shareLogs(body: { challengeId?: string; logs: string[]; appVersion?: string; health?: Record<string, unknown> }): Promise<JsonAnswer> {
    return this.send(this.challengeUrl, 'POST', '/v1/device/diagnostics', body);
  }

  private send(baseUrl: string, method: 'GET' | 'POST' | 'PUT', pathWithQuery: string, body?: unknown): Promise<JsonAnswer> {
    const raw = body === undefined ? undefined : JSON.stringify(body);
    const signature = signDeviceRequest(this.privateJwk, { method, pathWithQuery, body: raw, deviceId: this.deviceId });
    return callJson(baseUrl, method, pathWithQuery, undefined, raw, headersOf(signature));
  }
}

function headersOf(signature: object): Record<string, string> {
  return { ...signature } as Record<string, string>;
}
