import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ChallengeInstance, ChallengeTestWorld, type TestDevice, type TestWorkspace } from '../challenge.test-app';

/**
 * The help desk lifts a user's push lock at the registry (PushLockLifted on the registry topic). The registry view
 * applies it with the view's position, so, like every registry change, it is in force for the very next request
 * after it was published: the next challenge pushes again. Only the lock the admin lifted goes.
 */
describe('registry view: an admin lifting a push lock', () => {
  let world: ChallengeTestWorld;
  let service: ChallengeInstance;
  let ws: TestWorkspace;
  let stranger: TestWorkspace;

  beforeAll(async () => {
    world = await ChallengeTestWorld.create('locklift');
    service = await world.start();
    [ws, stranger] = await Promise.all([
      world.workspace(service, { fraudLockMinutes: 15, numberMismatchLockThreshold: 3, maxChallengesPerUserPer10Min: 50 }),
      world.workspace(service),
    ]);
  }, 120_000);

  afterAll(async () => {
    await world?.dispose();
  });

  const userOf = (name: string) => `${name}-${randomUUID()}`;
  const issue = (userId: string) => service.call('POST', '/v1/challenges', { key: ws.platformKey, body: { userId } });
  const respond = (device: TestDevice, challengeId: string, body: Record<string, unknown>) =>
    service.device(device, 'POST', `/v1/device/challenges/${challengeId}/response`, body);
  const wrongNumberOf = (numberMatch: string) => String((Number(numberMatch) + 1) % 100).padStart(2, '0');
  const guessWrong = async (phone: TestDevice) => {
    const { body } = await issue(phone.userId);
    expect((await respond(phone, body.challengeId, { decision: 'approve', numberMatch: wrongNumberOf(body.numberMatch) })).body.code).toBe('number_mismatch');
    return body;
  };
  const reportFraud = async (phone: TestDevice, challengeId: string) => {
    expect((await respond(phone, challengeId, { decision: 'deny', fraud: true })).status).toBe(200);
    const lock = (await world.storedEvents(challengeId)).find((e) => e.type === 'FraudReported' || e.type === 'PushLocked')!;
    return {
      challengeId,
      lockedUntil: new Date(String(lock.data.lockedUntil)).toISOString(),
      reason: lock.type === 'FraudReported' ? 'fraud_report' : 'number_mismatch',
    };
  };
  /** The registry's PushLockLifted, as its relay publishes it (keyed by the user). */
  const lift = (workspace: TestWorkspace, userId: string, lock: { challengeId?: string; lockedUntil: string; reason: string }) =>
    world.publish(`${workspace.workspaceId}/${userId}`, 'PushLockLifted', { userId, liftedBy: randomUUID(), ...lock }, workspace.workspaceId);
  const streakOf = async (userId: string) =>
    (await world.db.query<{ mismatches: number }>('select mismatches from challenge.number_mismatch_streaks where user_id = $1', [userId])).rows[0]?.mismatches;

  it("pushes again on the very next challenge after a fraud lock's lift was published; another workspace's lift changes nothing", async () => {
    const phone = await world.pairDevice(ws, userOf('ann'));
    const lock = await reportFraud(phone, (await issue(phone.userId)).body.challengeId);
    expect(await issue(phone.userId)).toMatchObject({ status: 423, body: { code: 'push_locked' } });

    await lift(stranger, phone.userId, lock);
    expect(await issue(phone.userId)).toMatchObject({ status: 423, body: { code: 'push_locked' } });

    await lift(ws, phone.userId, lock);
    expect(await issue(phone.userId)).toMatchObject({ status: 201, body: { status: 'pending' } });
  });

  it('lifts a wrong-number lock and ends the streak with it: wrong numbers count again from none', async () => {
    const phone = await world.pairDevice(ws, userOf('cleo'));
    await guessWrong(phone);
    await guessWrong(phone);
    const third = await guessWrong(phone);
    const locked = (await world.storedEvents(third.challengeId)).find((e) => e.type === 'PushLocked');
    expect(locked).toBeDefined();
    expect(await issue(phone.userId)).toMatchObject({ status: 423, body: { code: 'push_locked' } });

    await lift(ws, phone.userId, { challengeId: third.challengeId, reason: 'number_mismatch', lockedUntil: String(locked!.data.lockedUntil) });
    expect((await issue(phone.userId)).status).toBe(201);
    expect(await streakOf(phone.userId)).toBeUndefined();
  });

  it('ends a streak under a fraud lock too: two wrong numbers before the lift and one after do not lock', async () => {
    const phone = await world.pairDevice(ws, userOf('dan'));
    await guessWrong(phone);
    await guessWrong(phone);
    expect(await streakOf(phone.userId)).toBe(2);
    const lock = await reportFraud(phone, (await issue(phone.userId)).body.challengeId);

    await lift(ws, phone.userId, lock);
    const after = await guessWrong(phone);
    expect((await world.storedEvents(after.challengeId)).map((e) => e.type)).toEqual(['ChallengeIssued', 'ChallengeDenied']);
    expect(await streakOf(phone.userId)).toBe(1);
    expect((await issue(phone.userId)).status).toBe(201);
  });

  it('keeps a newer lock in force: a lift of the earlier lock leaves the lock of a later fraud report', async () => {
    const phone = await world.pairDevice(ws, userOf('eve'));
    const [first, second] = [(await issue(phone.userId)).body.challengeId, (await issue(phone.userId)).body.challengeId];
    const earlier = await reportFraud(phone, first);
    // The second challenge was cancelled by the lock; a fraud report on it is recorded all the same and locks anew.
    const later = await reportFraud(phone, second);
    expect(Date.parse(later.lockedUntil)).toBeGreaterThan(Date.parse(earlier.lockedUntil));

    await lift(ws, phone.userId, earlier);
    expect(await issue(phone.userId)).toMatchObject({ status: 423, body: { code: 'push_locked' } });
    await lift(ws, phone.userId, later);
    expect((await issue(phone.userId)).status).toBe(201);
  });
});
