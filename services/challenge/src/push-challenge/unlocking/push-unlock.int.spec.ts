import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ChallengeInstance, ChallengeTestWorld, type TestDevice, type TestWorkspaceWithAdmin } from '../../challenge.test-app';

/**
 * The help desk lifting a user's push lock (DELETE /v1/users/{userId}/push-lock), over HTTP against a service
 * instance on the real broker, database and cache.
 */
describe('unlocking push for a user', () => {
  let world: ChallengeTestWorld;
  let service: ChallengeInstance;
  let locking: TestWorkspaceWithAdmin;
  let stranger: TestWorkspaceWithAdmin;

  beforeAll(async () => {
    world = await ChallengeTestWorld.create('pushunlock');
    service = await world.start();
    [locking, stranger] = await Promise.all([
      world.workspace(service, { fraudLockMinutes: 15, numberMismatchLockThreshold: 3, maxChallengesPerUserPer10Min: 50 }),
      world.workspace(service),
    ]);
  }, 120_000);

  afterAll(async () => {
    await world?.dispose();
  });

  const userOf = (name: string) => `${name}-${randomUUID()}`;
  const issue = (userId: string) => service.call('POST', '/v1/challenges', { key: locking.platformKey, body: { userId } });
  const unlock = (userId: string, key = locking.adminKey) => service.call('DELETE', `/v1/users/${encodeURIComponent(userId)}/push-lock`, { key });
  const respond = (device: TestDevice, challengeId: string, body: Record<string, unknown>) =>
    service.device(device, 'POST', `/v1/device/challenges/${challengeId}/response`, body);
  const wrongNumberOf = (numberMatch: string) => String((Number(numberMatch) + 1) % 100).padStart(2, '0');
  const guessWrong = async (phone: TestDevice) => {
    const { body } = await issue(phone.userId);
    expect((await respond(phone, body.challengeId, { decision: 'approve', numberMatch: wrongNumberOf(body.numberMatch) })).body.code).toBe('number_mismatch');
    return body;
  };
  const userStream = async (userId: string) =>
    (
      await world.db.query<{ type: string; data: Record<string, unknown> }>(
        'select type, data from challenge.events where stream_id = $1 order by stream_revision',
        [`push-user-${locking.workspaceId}-${userId}`],
      )
    ).rows;
  const streakOf = async (userId: string) =>
    (await world.db.query<{ mismatches: number }>('select mismatches from challenge.number_mismatch_streaks where user_id = $1', [userId])).rows[0]?.mismatches;

  it('lifts a fraud lock for an admin key: the next challenge is issued, the unlock is recorded and published with who did it', async () => {
    const phone = await world.pairDevice(locking, userOf('ann'));
    const reported = (await issue(phone.userId)).body;
    expect((await respond(phone, reported.challengeId, { decision: 'deny', fraud: true })).status).toBe(200);
    expect(await issue(phone.userId)).toMatchObject({ status: 423, body: { code: 'push_locked' } });

    expect(await unlock(phone.userId, locking.platformKey)).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    expect(await unlock(phone.userId, stranger.adminKey)).toMatchObject({ status: 404, body: { code: 'not_found' } });
    expect(await issue(phone.userId)).toMatchObject({ status: 423, body: { code: 'push_locked' } });

    expect((await unlock(phone.userId)).status).toBe(204);
    expect(await issue(phone.userId)).toMatchObject({ status: 201, body: { status: 'pending' } });
    expect(await unlock(phone.userId)).toMatchObject({ status: 404, body: { code: 'not_found' } });

    const lockedUntil = (await world.storedEvents(reported.challengeId)).find((e) => e.type === 'FraudReported')!.data.lockedUntil;
    const stored = await userStream(phone.userId);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      type: 'PushUnlocked',
      data: { userId: phone.userId, unlockedBy: { keyId: locking.adminKeyId }, challengeId: reported.challengeId, previousReason: 'fraud_report' },
    });
    expect(Date.parse(stored[0]!.data.previousLockedUntil as string)).toBe(Date.parse(lockedUntil as string));
    const published = await world.publishedFor(reported.challengeId, ['FraudReported', 'PushUnlocked']);
    expect(published.map((e) => e.type)).toEqual(['ChallengeIssued', 'ChallengeDenied', 'FraudReported', 'PushUnlocked']);
    expect(published[3]!.data).toMatchObject({ userId: phone.userId, unlockedBy: { keyId: locking.adminKeyId }, challengeId: reported.challengeId });
  });

  it('answers not_found for a user who was never locked', async () => {
    const phone = await world.pairDevice(locking, userOf('ben'));
    expect(await unlock(phone.userId)).toMatchObject({ status: 404, body: { code: 'not_found' } });
    expect(await userStream(phone.userId)).toEqual([]);
  });

  it('lifts a wrong-number lock', async () => {
    const phone = await world.pairDevice(locking, userOf('cleo'));
    await guessWrong(phone);
    await guessWrong(phone);
    const third = await guessWrong(phone);
    expect((await world.storedEvents(third.challengeId)).map((e) => e.type)).toContain('PushLocked');
    expect(await issue(phone.userId)).toMatchObject({ status: 423, body: { code: 'push_locked' } });

    expect((await unlock(phone.userId)).status).toBe(204);
    expect((await userStream(phone.userId))[0]?.data).toMatchObject({ previousReason: 'number_mismatch', challengeId: third.challengeId });
    expect((await issue(phone.userId)).status).toBe(201);
  });

  it('ends the wrong-number streak with the lock: the count starts again from none', async () => {
    const phone = await world.pairDevice(locking, userOf('dan'));
    await guessWrong(phone);
    await guessWrong(phone);
    expect(await streakOf(phone.userId)).toBe(2);
    const reported = (await issue(phone.userId)).body;
    expect((await respond(phone, reported.challengeId, { decision: 'deny', fraud: true })).status).toBe(200);

    expect((await unlock(phone.userId)).status).toBe(204);
    expect(await streakOf(phone.userId)).toBeUndefined();
    // Two wrong numbers before the unlock and one after: not three in a row, so push stays unlocked.
    const after = await guessWrong(phone);
    expect((await world.storedEvents(after.challengeId)).map((e) => e.type)).toEqual(['ChallengeIssued', 'ChallengeDenied']);
    expect(await streakOf(phone.userId)).toBe(1);
    expect((await issue(phone.userId)).status).toBe(201);
  });
});
