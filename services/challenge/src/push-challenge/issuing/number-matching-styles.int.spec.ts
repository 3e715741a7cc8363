import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { type ChallengeInstance, ChallengeTestWorld, type TestDevice, type TestWorkspaceWithAdmin } from '../../challenge.test-app';

/**
 * The `choose` and `risk` number matching styles through the real service, store and broker: what the platform, the
 * app's push (ChallengeIssued on the topic) and the Pending tab get, and how the answer is judged.
 */
describe('number matching styles', () => {
  let world: ChallengeTestWorld;
  let service: ChallengeInstance;

  beforeAll(async () => {
    world = await ChallengeTestWorld.create('nmstyles');
    service = await world.start();
  });

  afterAll(async () => {
    await world?.dispose();
  });

  const issue = (ws: TestWorkspaceWithAdmin, userId: string, context: Record<string, string> = {}) =>
    service.call('POST', '/v1/challenges', { key: ws.platformKey, body: { userId, context } });
  const respond = (device: TestDevice, challengeId: string, body: Record<string, unknown>) =>
    service.device(device, 'POST', `/v1/device/challenges/${challengeId}/response`, body);
  const statusOf = async (ws: TestWorkspaceWithAdmin, challengeId: string) =>
    (await service.call('GET', `/v1/challenges/${challengeId}`, { key: ws.platformKey })).body.status;

  describe('choose', () => {
    let ws: TestWorkspaceWithAdmin;
    beforeAll(async () => {
      ws = await world.workspace(service, { numberMatching: 'choose', numberMatchingDigits: 3, maxPendingPerUser: 5 });
    });

    it('offers three numbers in the push and the Pending tab, the right one unmarked among them, and never the number itself', async () => {
      const device = await world.pairDevice(ws, `u-${randomUUID()}`);
      const issued = await issue(ws, device.userId);
      expect(issued.status).toBe(201);
      const { challengeId, numberMatch } = issued.body as { challengeId: string; numberMatch: string };
      expect(numberMatch).toMatch(/^\d{3}$/);

      const [published] = await world.publishedFor(challengeId, ['ChallengeIssued']);
      const choices = published!.data.numberChoices as string[];
      expect(choices).toHaveLength(3);
      expect(new Set(choices).size).toBe(3);
      expect(choices).toContain(numberMatch);
      expect(published!.data).toMatchObject({ numberMatchRequired: true, numberMatching: 'choose' });
      expect(published!.data).not.toHaveProperty('numberMatch');

      const pending = await service.device(device, 'GET', '/v1/device/challenges?status=pending');
      const item = (pending.body.items as Array<Record<string, unknown>>).find((i) => i.challengeId === challengeId);
      expect(item).toMatchObject({ numberMatchRequired: true, numberChoices: choices });
      expect(JSON.stringify(item)).not.toContain('"numberMatch"');
    });

    it('approves the number the user taps when it is the one shown, and denies on a wrong tap: one try', async () => {
      const device = await world.pairDevice(ws, `u-${randomUUID()}`);
      const right = (await issue(ws, device.userId)).body as { challengeId: string; numberMatch: string };
      expect(await respond(device, right.challengeId, { decision: 'approve', numberMatch: right.numberMatch })).toMatchObject({
        status: 200,
        body: { status: 'approved' },
      });

      const wrong = (await issue(ws, device.userId)).body as { challengeId: string; numberMatch: string };
      const [published] = await world.publishedFor(wrong.challengeId, ['ChallengeIssued']);
      const decoy = (published!.data.numberChoices as string[]).find((choice) => choice !== wrong.numberMatch)!;
      expect(await respond(device, wrong.challengeId, { decision: 'approve', numberMatch: decoy })).toMatchObject({
        status: 422,
        body: { code: 'number_mismatch' },
      });
      // One try: the right number after a wrong tap approves nothing.
      expect(await respond(device, wrong.challengeId, { decision: 'approve', numberMatch: wrong.numberMatch })).toMatchObject({
        status: 409,
        body: { code: 'challenge_not_pending' },
      });
      expect(await statusOf(ws, wrong.challengeId)).toBe('denied');
    });
  });

  describe('risk', () => {
    let ws: TestWorkspaceWithAdmin;
    beforeAll(async () => {
      ws = await world.workspace(service, { numberMatching: 'risk', maxPendingPerUser: 5 });
    });

    const office = { ipAddress: '203.0.113.7', application: 'VPN' };

    async function issuedWith(device: TestDevice, context: Record<string, string>) {
      const issued = await issue(ws, device.userId, context);
      expect(issued.status).toBe(201);
      const [published] = await world.publishedFor(issued.body.challengeId as string, ['ChallengeIssued']);
      return { ...(issued.body as { challengeId: string; numberMatch?: string }), riskSignals: published!.data.riskSignals as string[] };
    }

    it('asks for the number on the first sign-in after pairing, then not from where the user approved before, and again from somewhere new', async () => {
      const device = await world.pairDevice(ws, `u-${randomUUID()}`);
      const first = await issuedWith(device, office);
      expect(first.riskSignals).toEqual(['new_ip_address', 'new_application', 'first_sign_in_after_pairing']);
      expect(first.numberMatch).toMatch(/^\d{2}$/);
      expect((await respond(device, first.challengeId, { decision: 'approve', numberMatch: first.numberMatch })).status).toBe(200);

      const familiar = await issuedWith(device, { ...office, ipAddress: '203.0.113.7' });
      expect(familiar.riskSignals).toEqual([]);
      expect(familiar.numberMatch).toBeUndefined();
      expect(await respond(device, familiar.challengeId, { decision: 'approve' })).toMatchObject({ status: 200, body: { status: 'approved' } });

      const elsewhere = await issuedWith(device, { ipAddress: '198.51.100.20', application: 'VPN' });
      expect(elsewhere.riskSignals).toEqual(['new_ip_address']);
      // A number was asked for: Approve without it is a wrong number.
      expect(await respond(device, elsewhere.challengeId, { decision: 'approve' })).toMatchObject({ status: 422, body: { code: 'number_mismatch' } });
    });

    it('asks for the number for a day after a denial, and after a device is paired since the last approval', async () => {
      const device = await world.pairDevice(ws, `u-${randomUUID()}`);
      const first = await issuedWith(device, office);
      expect((await respond(device, first.challengeId, { decision: 'approve', numberMatch: first.numberMatch })).status).toBe(200);
      const denied = await issuedWith(device, office);
      expect(denied.riskSignals).toEqual([]);
      expect((await respond(device, denied.challengeId, { decision: 'deny' })).status).toBe(200);
      expect((await issuedWith(device, office)).riskSignals).toEqual(['recent_denial']);

      const other = await world.pairDevice(ws, `u-${randomUUID()}`);
      const approved = await issuedWith(other, office);
      expect((await respond(other, approved.challengeId, { decision: 'approve', numberMatch: approved.numberMatch })).status).toBe(200);
      await world.pairDevice(ws, other.userId);
      expect((await issuedWith(other, office)).riskSignals).toEqual(['first_sign_in_after_pairing']);
    });

    it('records a request or a resend refused over the rate limit, and a fraud report, as risk for the user', async () => {
      const limited = await world.workspace(service, { numberMatching: 'risk', maxChallengesPerUserPer10Min: 1 });
      const device = await world.pairDevice(limited, `u-${randomUUID()}`);
      expect((await issue(limited, device.userId, office)).status).toBe(201);
      expect(await issue(limited, device.userId, office)).toMatchObject({ status: 429, body: { code: 'rate_limited' } });
      // A resend refused over the same budget counts too.
      const resender = await world.pairDevice(limited, `u-${randomUUID()}`);
      const first = await issue(limited, resender.userId, office);
      expect(await service.call('POST', `/v1/challenges/${first.body.challengeId as string}/resend`, { key: limited.platformKey })).toMatchObject({
        status: 429,
        body: { code: 'rate_limited' },
      });

      const reporter = await world.pairDevice(ws, `u-${randomUUID()}`);
      const reported = await issuedWith(reporter, office);
      expect((await respond(reporter, reported.challengeId, { decision: 'deny', fraud: true })).status).toBe(200);

      const { rows } = await world.db.query<{ workspace_id: string; user_id: string; kind: string }>(
        'select workspace_id, user_id, kind from challenge.user_risk_marks where user_id = any($1) order by kind',
        [[device.userId, reporter.userId, resender.userId]],
      );
      expect(rows).toEqual(
        expect.arrayContaining([
          { workspace_id: ws.workspaceId, user_id: reporter.userId, kind: 'denial' },
          { workspace_id: ws.workspaceId, user_id: reporter.userId, kind: 'fraud_report' },
          { workspace_id: limited.workspaceId, user_id: device.userId, kind: 'rate_limit' },
          { workspace_id: limited.workspaceId, user_id: resender.userId, kind: 'rate_limit' },
        ]),
      );
      expect(rows).toHaveLength(4);
    });
  });
});
