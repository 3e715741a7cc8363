import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ChallengeInstance, ChallengeTestWorld, type HttpAnswer, type TestDevice, type TestWorkspace } from '../challenge.test-app';

/**
 * The holes an attacker with the password uses first, tried over HTTP against two service instances on the real
 * broker, database and cache: fraud reports after the decision, a lock that must stop the attack in progress,
 * resends as a way round the push budget, and guessing numbers.
 */
describe('fraud reports, push locks and push bombing limits', () => {
  let world: ChallengeTestWorld;
  let service: ChallengeInstance;
  let other: ChallengeInstance;
  let lockable: TestWorkspace;
  let limited: TestWorkspace;
  let spaced: TestWorkspace;
  let guessing: TestWorkspace;

  beforeAll(async () => {
    world = await ChallengeTestWorld.create('pushabuse');
    [service, other] = await Promise.all([world.start(), world.start()]);
    // Several pending challenges per user at once, as an attack in progress has: the pending limit is pending-limit.int.spec.ts's.
    const maxPendingPerUser = 20;
    [lockable, limited, spaced, guessing] = await Promise.all([
      world.workspace(service, { fraudLockMinutes: 1, maxChallengesPerUserPer10Min: 50, maxPendingPerUser }),
      world.workspace(service, { maxChallengesPerUserPer10Min: 5, numberMatching: 'off', maxPendingPerUser }),
      world.workspace(service, { minSecondsBetweenPushes: 60, numberMatching: 'off', maxPendingPerUser }),
      world.workspace(service, { numberMismatchLockThreshold: 3, fraudLockMinutes: 1, maxChallengesPerUserPer10Min: 50, maxPendingPerUser }),
    ]);
    await world.eventually(
      () => other.call('GET', `/v1/challenges/${randomUUID()}`, { key: lockable.platformKey }),
      (a) => a.status === 404,
      'the second instance to know the keys',
    );
  }, 120_000);

  afterAll(async () => {
    await world?.dispose();
  });

  const userOf = (name: string) => `${name}-${randomUUID()}`;
  const issue = (workspace: TestWorkspace, userId: string, via = service) =>
    via.call('POST', '/v1/challenges', { key: workspace.platformKey, body: { userId } });
  const resend = (workspace: TestWorkspace, challengeId: string, via = service) =>
    via.call('POST', `/v1/challenges/${challengeId}/resend`, { key: workspace.platformKey });
  const respond = (device: TestDevice, challengeId: string, body: Record<string, unknown>, via = service) =>
    via.device(device, 'POST', `/v1/device/challenges/${challengeId}/response`, body);
  const fraud = (device: TestDevice, challengeId: string, via = service) => respond(device, challengeId, { decision: 'deny', fraud: true }, via);
  const wrongNumberOf = (numberMatch: string) => String((Number(numberMatch) + 1) % 100).padStart(2, '0');
  const types = async (challengeId: string) => (await world.storedEvents(challengeId)).map((e) => e.type);
  const lockOf = async (userId: string) =>
    (await world.db.query<{ reason: string; locked_until: Date }>('select reason, locked_until from challenge.push_locks where user_id = $1', [userId]))
      .rows[0];

  async function expectLocked(workspace: TestWorkspace, userId: string): Promise<void> {
    const locked = await issue(workspace, userId);
    expect(locked).toMatchObject({ status: 423, body: { code: 'push_locked' } });
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  }

  describe('a fraud report is recorded and locks push whatever state the challenge is in', () => {
    it('after a plain deny of the same device', async () => {
      const phone = await world.pairDevice(lockable, userOf('ann'));
      const { body } = await issue(lockable, phone.userId);
      expect(await respond(phone, body.challengeId, { decision: 'deny' })).toMatchObject({ status: 200, body: { status: 'denied' } });
      expect(await fraud(phone, body.challengeId)).toMatchObject({ status: 200, body: { status: 'denied' } });

      const stored = await world.storedEvents(body.challengeId);
      expect(stored.map((e) => e.type)).toEqual(['ChallengeIssued', 'ChallengeDenied', 'FraudReported']);
      expect(stored[2]!.data).toMatchObject({ deviceId: phone.deviceId, challengeStatus: 'denied' });
      const published = await world.publishedFor(body.challengeId, ['FraudReported']);
      expect(published.find((e) => e.type === 'FraudReported')?.data).toMatchObject({
        deviceId: phone.deviceId,
        challengeStatus: 'denied',
        lockedUntil: stored[2]!.data.lockedUntil,
      });
      await expectLocked(lockable, phone.userId);
      expect(await lockOf(phone.userId)).toMatchObject({ reason: 'fraud_report' });
      // The app retrying the same report records nothing more.
      expect((await fraud(phone, body.challengeId)).status).toBe(200);
      expect(await types(body.challengeId)).toEqual(['ChallengeIssued', 'ChallengeDenied', 'FraudReported']);
    });

    it('after a wrong number denied the request', async () => {
      const phone = await world.pairDevice(lockable, userOf('ben'));
      const { body } = await issue(lockable, phone.userId);
      expect((await respond(phone, body.challengeId, { decision: 'approve', numberMatch: wrongNumberOf(body.numberMatch) })).body.code).toBe('number_mismatch');
      expect(await fraud(phone, body.challengeId)).toMatchObject({ status: 200, body: { status: 'denied' } });
      expect(await types(body.challengeId)).toEqual(['ChallengeIssued', 'ChallengeDenied', 'FraudReported']);
      await expectLocked(lockable, phone.userId);
    });

    it("from the user's second device, after the first one approved or denied", async () => {
      const userId = userOf('cleo');
      const phone = await world.pairDevice(lockable, userId);
      const tablet = await world.pairDevice(lockable, userId);
      const approvedOne = (await issue(lockable, userId)).body;
      const deniedOne = (await issue(lockable, userId)).body;
      expect((await respond(phone, approvedOne.challengeId, { decision: 'approve', numberMatch: approvedOne.numberMatch })).body.status).toBe('approved');
      expect((await respond(phone, deniedOne.challengeId, { decision: 'deny' })).body.status).toBe('denied');

      expect(await fraud(tablet, deniedOne.challengeId, other)).toMatchObject({ status: 200, body: { status: 'denied' } });
      expect(await fraud(tablet, approvedOne.challengeId)).toMatchObject({ status: 200, body: { status: 'approved' } });
      const approvedEvents = await world.storedEvents(approvedOne.challengeId);
      expect(approvedEvents.map((e) => e.type)).toEqual(['ChallengeIssued', 'ChallengeApproved', 'FraudReported']);
      expect(approvedEvents[2]!.data).toMatchObject({ deviceId: tablet.deviceId, challengeStatus: 'approved' });
      expect((await world.storedEvents(deniedOne.challengeId)).find((e) => e.type === 'FraudReported')?.data).toMatchObject({
        deviceId: tablet.deviceId,
        challengeStatus: 'denied',
      });
      await expectLocked(lockable, userId);
    });

    it('after the platform cancelled it', async () => {
      const phone = await world.pairDevice(lockable, userOf('dan'));
      const { body } = await issue(lockable, phone.userId);
      expect((await service.call('POST', `/v1/challenges/${body.challengeId}/cancel`, { key: lockable.platformKey })).status).toBe(200);
      expect(await fraud(phone, body.challengeId)).toMatchObject({ status: 200, body: { status: 'cancelled' } });
      expect((await world.storedEvents(body.challengeId)).map((e) => [e.type, e.data.reason ?? e.data.challengeStatus])).toEqual([
        ['ChallengeIssued', undefined],
        ['ChallengeCancelled', 'platform'],
        ['FraudReported', 'cancelled'],
      ]);
      await expectLocked(lockable, phone.userId);
    });
  });

  describe('while push is locked', () => {
    it("cancels the user's other pending challenges (reason push_locked), answers push_locked to resends and approvals", async () => {
      const userId = userOf('eve');
      const phone = await world.pairDevice(lockable, userId);
      const [reported, second, third] = [(await issue(lockable, userId)).body, (await issue(lockable, userId)).body, (await issue(lockable, userId)).body];
      const longPoll = service.call('GET', `/v1/challenges/${second.challengeId}?waitSeconds=20`, { key: lockable.platformKey });
      expect((await fraud(phone, reported.challengeId)).status).toBe(200);

      for (const challenge of [second, third]) {
        const stored = await world.storedEvents(challenge.challengeId);
        expect(stored.map((e) => [e.type, e.data.reason])).toEqual([
          ['ChallengeIssued', undefined],
          ['ChallengeCancelled', 'push_locked'],
        ]);
        expect((await service.call('GET', `/v1/challenges/${challenge.challengeId}`, { key: lockable.platformKey })).body.status).toBe('cancelled');
        const resent = await resend(lockable, challenge.challengeId, other);
        expect(resent).toMatchObject({ status: 423, body: { code: 'push_locked' } });
        expect(Number(resent.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(await respond(phone, challenge.challengeId, { decision: 'approve', numberMatch: challenge.numberMatch })).toMatchObject({
          status: 423,
          body: { code: 'push_locked' },
        });
      }
      expect((await longPoll).body.status).toBe('cancelled');
      const published = await world.publishedFor(second.challengeId, ['ChallengeCancelled']);
      expect(published.find((e) => e.type === 'ChallengeCancelled')?.data).toMatchObject({ reason: 'push_locked' });
      expect((await service.device(phone, 'GET', '/v1/device/challenges?status=pending')).body.items).toEqual([]);
    });

    it('never lets an approval past a lock decided at the same moment on another instance', async () => {
      for (let round = 0; round < 8; round++) {
        const userId = userOf(`race${round}`);
        const phone = await world.pairDevice(lockable, userId);
        const tablet = await world.pairDevice(lockable, userId);
        const target = (await issue(lockable, userId)).body;
        const reported = (await issue(lockable, userId)).body;
        const [approval, report] = await Promise.all([
          respond(phone, target.challengeId, { decision: 'approve', numberMatch: target.numberMatch }, service),
          fraud(tablet, reported.challengeId, other),
        ]);
        expect(report.status).toBe(200);
        const { rows } = await world.db.query<{ stream_id: string; type: string; global_position: string; data: Record<string, unknown> }>(
          'select stream_id, type, global_position, data from challenge.events where stream_id = any($1) order by global_position',
          [[`challenge-${target.challengeId}`, `challenge-${reported.challengeId}`]],
        );
        const positionOf = (type: string) => rows.find((r) => r.type === type)?.global_position;
        const fraudAt = BigInt(positionOf('FraudReported')!);
        if (approval.status === 200) {
          // The approval won the user's lock: it was recorded before the report, which then had nothing to cancel.
          expect(approval.body.status).toBe('approved');
          expect(BigInt(positionOf('ChallengeApproved')!)).toBeLessThan(fraudAt);
          expect(rows.some((r) => r.type === 'ChallengeCancelled')).toBe(false);
        } else {
          expect([423, 409]).toContain(approval.status);
          expect(rows.some((r) => r.type === 'ChallengeApproved')).toBe(false);
          expect(rows.find((r) => r.stream_id === `challenge-${target.challengeId}` && r.type === 'ChallengeCancelled')?.data).toMatchObject({
            reason: 'push_locked',
          });
        }
      }
    });
  });

  describe('resends are pushes', () => {
    it('count toward maxChallengesPerUserPer10Min: past the budget a resend answers rate_limited with Retry-After', async () => {
      const phone = await world.pairDevice(limited, userOf('finn'));
      const first = (await issue(limited, phone.userId)).body;
      const second = (await issue(limited, phone.userId)).body;
      for (const attempt of [1, 2, 3]) expect(await resend(limited, first.challengeId)).toMatchObject({ status: 202, body: { attempt } });
      const refused = await resend(limited, second.challengeId, other);
      expect(refused).toMatchObject({ status: 429, body: { code: 'rate_limited' } });
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(590);
      expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(600);
      expect((await issue(limited, phone.userId)).body.code).toBe('rate_limited');
      expect((await world.storedEvents(second.challengeId)).map((e) => e.type)).toEqual(['ChallengeIssued']);
    });

    it('at the budget edge, of concurrent resends and issues on two instances exactly the budget succeeds', async () => {
      const phone = await world.pairDevice(limited, userOf('gus'));
      const first = (await issue(limited, phone.userId)).body;
      const second = (await issue(limited, phone.userId)).body;
      // Two pushes spent, three left; eight ask at once.
      const answers: HttpAnswer[] = await Promise.all([
        ...[first, first, second, second].map((c, i) => resend(limited, c.challengeId, i % 2 ? other : service)),
        ...[0, 1, 2, 3].map((i) => issue(limited, phone.userId, i % 2 ? service : other)),
      ]);
      const succeeded = answers.filter((a) => a.status === 202 || a.status === 201);
      expect(succeeded).toHaveLength(3);
      expect(answers.filter((a) => a.status === 429 && a.body.code === 'rate_limited')).toHaveLength(5);
      const { rows } = await world.db.query<{ pushes: string }>(
        `select (select count(*) from challenge.challenge_list where user_id = $1) + (select count(*) from challenge.challenge_resends where user_id = $1) as pushes`,
        [phone.userId],
      );
      expect(Number(rows[0]!.pushes)).toBe(5);
    });

    it('minSecondsBetweenPushes spaces issues and resends alike', async () => {
      const phone = await world.pairDevice(spaced, userOf('hal'));
      const { body } = await issue(spaced, phone.userId);
      const tooSoon = await issue(spaced, phone.userId);
      expect(tooSoon).toMatchObject({ status: 429, body: { code: 'rate_limited' } });
      expect(Number(tooSoon.headers.get('retry-after'))).toBeGreaterThan(50);
      expect(Number(tooSoon.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      expect(await resend(spaced, body.challengeId)).toMatchObject({ status: 429, body: { code: 'rate_limited' } });

      // A minute later (the issue moved into the past) a resend goes out, and it starts the spacing again.
      await world.db.query(`update challenge.challenge_list set created_at = created_at - interval '61 seconds' where challenge_id = $1`, [body.challengeId]);
      expect(await resend(spaced, body.challengeId)).toMatchObject({ status: 202, body: { attempt: 1 } });
      expect(await issue(spaced, phone.userId)).toMatchObject({ status: 429, body: { code: 'rate_limited' } });
    });
  });

  describe('wrong numbers escalate', () => {
    it('numberMismatchLockThreshold wrong numbers in a row lock push, say why, and cancel what is pending; an approval starts the count again', async () => {
      const userId = userOf('ida');
      const phone = await world.pairDevice(guessing, userId);
      const guessWrong = async () => {
        const { body } = await issue(guessing, userId);
        expect((await respond(phone, body.challengeId, { decision: 'approve', numberMatch: wrongNumberOf(body.numberMatch) })).body.code).toBe(
          'number_mismatch',
        );
        return body;
      };
      await guessWrong();
      await guessWrong();
      const right = (await issue(guessing, userId)).body;
      expect((await respond(phone, right.challengeId, { decision: 'approve', numberMatch: right.numberMatch })).body.status).toBe('approved');
      await guessWrong();
      await guessWrong();
      const pending = (await issue(guessing, userId)).body;
      const third = await guessWrong();

      const stored = await world.storedEvents(third.challengeId);
      expect(stored.map((e) => e.type)).toEqual(['ChallengeIssued', 'ChallengeDenied', 'PushLocked']);
      expect(stored[2]!.data).toMatchObject({ reason: 'number_mismatch', consecutiveMismatches: 3, userId });
      expect(Date.parse(stored[2]!.data.lockedUntil as string)).toBeGreaterThan(Date.now() + 50_000);
      expect((await world.publishedFor(third.challengeId, ['PushLocked'])).find((e) => e.type === 'PushLocked')?.data).toMatchObject({
        reason: 'number_mismatch',
        consecutiveMismatches: 3,
      });
      expect((await world.storedEvents(pending.challengeId)).map((e) => [e.type, e.data.reason])).toContainEqual(['ChallengeCancelled', 'push_locked']);
      await expectLocked(guessing, userId);
      expect(await lockOf(userId)).toMatchObject({ reason: 'number_mismatch' });
    });

    it('locks exactly once when the threshold-th wrong numbers arrive at the same moment on two instances', async () => {
      const userId = userOf('jay');
      const phones = [await world.pairDevice(guessing, userId), await world.pairDevice(guessing, userId), await world.pairDevice(guessing, userId)];
      const challenges = [
        (await issue(guessing, userId)).body,
        (await issue(guessing, userId)).body,
        (await issue(guessing, userId)).body,
        (await issue(guessing, userId)).body,
      ];
      const answers = await Promise.all(
        challenges
          .slice(0, 3)
          .map((c, i) => respond(phones[i]!, c.challengeId, { decision: 'approve', numberMatch: wrongNumberOf(c.numberMatch) }, i % 2 ? other : service)),
      );
      expect(answers.map((a) => a.body.code)).toEqual(['number_mismatch', 'number_mismatch', 'number_mismatch']);
      const locks = (await Promise.all(challenges.slice(0, 3).map((c) => types(c.challengeId)))).flat().filter((type) => type === 'PushLocked');
      expect(locks).toHaveLength(1);
      expect(await types(challenges[3]!.challengeId)).toEqual(['ChallengeIssued', 'ChallengeCancelled']);
      const { rows } = await world.db.query('select 1 from challenge.number_mismatch_streaks where user_id = $1', [userId]);
      expect(rows).toHaveLength(0);
    });
  });
});
