import { randomUUID } from 'node:crypto';
import type { ChallengeContext, WorkspaceSettings } from '@pushmfa/contracts';
import { callJson, eventually, type JsonAnswer } from '@pushmfa/testing';
import { EVENTS_ARRIVE_WITHIN_MS } from './events-arrive-within';
import type { ProductionStack } from './production-stack';
import { type PhoneKind, TestPhone } from './test-phone';

// What a service answers while the events that would change its mind are still on their way over Kafka.
const NOT_YET_LEARNED = new Set(['unauthorized', 'push_disabled', 'no_active_device']);

/**
 * One workspace seen from its two callers: the identity platform (platform key) and its admin (admin key).
 * Every journey gets its own, so journeys never see each other's users, limits or locks.
 */
export class TestWorkspace {
  private constructor(
    private readonly stack: ProductionStack,
    readonly id: string,
    readonly platformKey: string,
    readonly adminKey: string,
  ) {}

  /** The operator creates the workspace and its two keys; push starts disabled. */
  static async create(stack: ProductionStack, name = `acme-${randomUUID().slice(0, 8)}`): Promise<TestWorkspace> {
    const created = await callJson(stack.registry.baseUrl, 'POST', '/v1/workspaces', stack.operatorToken, { name });
    if (created.status !== 201) throw new Error(`workspace creation answered ${created.status}`);
    const keyOf = async (role: string) =>
      (await callJson(stack.registry.baseUrl, 'POST', `/v1/workspaces/${created.body.id}/api-keys`, stack.operatorToken, { role })).body.key as string;
    return new TestWorkspace(stack, created.body.id, await keyOf('platform'), await keyOf('admin'));
  }

  /** Creates a workspace whose admin has enabled push, with any other settings the journey needs. */
  static async withPush(stack: ProductionStack, settings: Partial<WorkspaceSettings> = {}): Promise<TestWorkspace> {
    const workspace = await TestWorkspace.create(stack);
    const changed = await workspace.changeSettings({ pushEnabled: true, ...settings });
    if (changed.status !== 200) throw new Error(`settings answered ${changed.status} ${JSON.stringify(changed.body)}`);
    return workspace;
  }

  changeSettings(settings: Partial<WorkspaceSettings>): Promise<JsonAnswer> {
    return callJson(this.stack.registry.baseUrl, 'PATCH', '/v1/workspace/settings', this.adminKey, settings);
  }

  // ---- the platform's portal: pairing ----

  startPairing(userId: string, body: { deviceName?: string; replaceDeviceId?: string } = {}): Promise<JsonAnswer> {
    return callJson(this.stack.registry.baseUrl, 'POST', `/v1/users/${encodeURIComponent(userId)}/pairings`, this.platformKey, body);
  }

  pairingStatus(pairingId: string): Promise<JsonAnswer> {
    return callJson(this.stack.registry.baseUrl, 'GET', `/v1/pairings/${pairingId}`, this.platformKey);
  }

  confirmPairing(pairingId: string, code: string): Promise<JsonAnswer> {
    return callJson(this.stack.registry.baseUrl, 'POST', `/v1/pairings/${pairingId}/confirm`, this.platformKey, { code });
  }

  /** The whole pairing as a user goes through it: QR code, the app registers, the user types the code. */
  async pairPhone(userId: string, kind: PhoneKind, pushToken: string, options: { replaceDeviceId?: string } = {}): Promise<TestPhone> {
    const pairing = await this.startPairing(userId, { deviceName: `${userId}'s ${kind.platform} phone`, ...options });
    if (pairing.status !== 201) throw new Error(`pairing answered ${pairing.status} ${JSON.stringify(pairing.body)}`);
    const { phone, confirmationCode } = await TestPhone.scan(pairing.body.qrUri, kind, pushToken, this.stack.challenge.baseUrl);
    const confirmed = await this.confirmPairing(pairing.body.pairingId, confirmationCode);
    if (confirmed.status !== 200) throw new Error(`confirm answered ${confirmed.status} ${JSON.stringify(confirmed.body)}`);
    return phone;
  }

  devices(userId: string): Promise<JsonAnswer> {
    return callJson(this.stack.registry.baseUrl, 'GET', `/v1/users/${encodeURIComponent(userId)}/devices`, this.adminKey);
  }

  /** The help desk sends a test notification to one of the user's devices (admin key). */
  testPush(userId: string, deviceId: string): Promise<JsonAnswer> {
    return callJson(this.stack.registry.baseUrl, 'POST', `/v1/users/${encodeURIComponent(userId)}/devices/${deviceId}/test-push`, this.adminKey);
  }

  /** What the report says of a test push, once it reads `status`. */
  testPushOnceStatus(testPushId: string, status: string): Promise<JsonAnswer> {
    return eventually(
      async () => {
        const answer = await callJson(this.stack.reporting.baseUrl, 'GET', `/v1/reports/test-pushes/${testPushId}`, this.adminKey);
        if (answer.status === 200 && answer.body.status === status) return answer;
        throw new Error(`it answered ${answer.status} ${JSON.stringify(answer.body)}`);
      },
      `the report to read ${status} for test push ${testPushId}`,
      EVENTS_ARRIVE_WITHIN_MS,
    );
  }

  resetMfa(userId: string): Promise<JsonAnswer> {
    return callJson(this.stack.registry.baseUrl, 'POST', `/v1/users/${encodeURIComponent(userId)}/mfa-reset`, this.adminKey);
  }

  // ---- the platform's sign-in page: challenges ----

  issueChallenge(userId: string, context?: ChallengeContext): Promise<JsonAnswer> {
    return callJson(this.stack.challenge.baseUrl, 'POST', '/v1/challenges', this.platformKey, { userId, ...(context ? { context } : {}) });
  }

  /** Issues a challenge once the challenge service has learned the key, the settings and the user's devices. */
  async issueChallengeOnceReady(userId: string, context?: ChallengeContext): Promise<JsonAnswer & { body: { challengeId: string; numberMatch?: string } }> {
    return eventually(
      async () => {
        const answer = await this.issueChallenge(userId, context);
        return NOT_YET_LEARNED.has(answer.body.code) ? undefined : answer;
      },
      `the challenge service to accept a challenge for ${userId}`,
      EVENTS_ARRIVE_WITHIN_MS,
    ) as Promise<JsonAnswer & { body: { challengeId: string; numberMatch?: string } }>;
  }

  /** The platform reads (or, with waitSeconds, long-polls) the status. */
  challengeStatus(challengeId: string, waitSeconds?: number): Promise<JsonAnswer> {
    const query = waitSeconds === undefined ? '' : `?waitSeconds=${waitSeconds}`;
    return callJson(this.stack.challenge.baseUrl, 'GET', `/v1/challenges/${challengeId}${query}`, this.platformKey);
  }

  resend(challengeId: string): Promise<JsonAnswer> {
    return callJson(this.stack.challenge.baseUrl, 'POST', `/v1/challenges/${challengeId}/resend`, this.platformKey);
  }

  /** The help desk lifting the user's push lock (admin key), at the registry. */
  unlockPush(userId: string): Promise<JsonAnswer> {
    return callJson(this.stack.registry.baseUrl, 'DELETE', `/v1/users/${encodeURIComponent(userId)}/push-lock`, this.adminKey);
  }

  /** No push arrived: the user reads the code from the app and the sign-in page submits it. */
  approveWithOfflineCode(challengeId: string, code: string): Promise<JsonAnswer> {
    return callJson(this.stack.challenge.baseUrl, 'POST', `/v1/challenges/${challengeId}/offline-code`, this.platformKey, { code });
  }

  cancel(challengeId: string): Promise<JsonAnswer> {
    return callJson(this.stack.challenge.baseUrl, 'POST', `/v1/challenges/${challengeId}/cancel`, this.platformKey);
  }

  // ---- the admin's MFA Report ----

  reportsOf(userId: string): Promise<JsonAnswer> {
    return callJson(this.stack.reporting.baseUrl, 'GET', `/v1/reports/mfa?userId=${encodeURIComponent(userId)}`, this.adminKey);
  }

  /** The app logs users shared with support (admin key): the list, or one incident with its logs. */
  diagnostics(query = ''): Promise<JsonAnswer> {
    return callJson(this.stack.reporting.baseUrl, 'GET', `/v1/reports/diagnostics${query}`, this.adminKey);
  }

  incident(incidentId: string): Promise<JsonAnswer> {
    return callJson(this.stack.reporting.baseUrl, 'GET', `/v1/reports/diagnostics/${encodeURIComponent(incidentId)}`, this.adminKey);
  }

  /** The report row and timeline of one challenge, once it reads `status` (and whatever else `also` asks). */
  reportOnceStatus(challengeId: string, status: string, also: (row: JsonAnswer['body']) => boolean = () => true): Promise<JsonAnswer> {
    return eventually(
      async () => {
        const answer = await callJson(this.stack.reporting.baseUrl, 'GET', `/v1/reports/mfa/${challengeId}`, this.adminKey);
        if (answer.status === 200 && answer.body.status === status && also(answer.body)) return answer;
        // Thrown, not returned: a timeout then says where the report stopped.
        throw new Error(`it answered ${answer.status} ${JSON.stringify(answer.body)}`);
      },
      `the MFA Report to read ${status} for ${challengeId}`,
      EVENTS_ARRIVE_WITHIN_MS,
    );
  }
}
