import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ChallengeInstance, ChallengeTestWorld, type TestDevice, type TestWorkspace } from '../../challenge.test-app';

const TTL_SECONDS = 10;
// The timer polls every 100 ms in tests; a commit and a slow CI machine get the rest.
const ON_TIME_MS = 1_500;
const sleepUntil = (atMs: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, atMs - Date.now())));

describe('challenge expiry: durable timer, races, restarts and several instances', () => {
  let world: ChallengeTestWorld;
  let first: ChallengeInstance;
  let second: ChallengeInstance;
  let ws: TestWorkspace;

  beforeAll(async () => {
    world = await ChallengeTestWorld.create('challengeexpiry');
    [first, second] = await Promise.all([world.start(), world.start()]);
    ws = await world.workspace(first, { challengeTtlSeconds: TTL_SECONDS });
    await world.eventually(
      () => second.call('GET', `/v1/challenges/${randomUUID()}`, { key: ws.platformKey }),
      (answer) => answer.status === 404,
      'the second instance to accept the key',
    );
  });

  afterAll(async () => {
    await world?.dispose();
  });

  const pair = () => world.pairDevice(ws, `user-${randomUUID()}`);
  const issueOn = async (instance: ChallengeInstance, device: TestDevice) => {
    const answer = await instance.call('POST', '/v1/challenges', { key: ws.platformKey, body: { userId: device.userId } });
    expect(answer.status).toBe(201);
    return answer.body as { challengeId: string; expiresAt: string; numberMatch: string };
  };
  const outcomesOf = async (challengeId: string) =>
    (await world.storedEvents(challengeId)).filter((e) => ['ChallengeApproved', 'ChallengeDenied', 'ChallengeExpired', 'ChallengeCancelled'].includes(e.type));

  it('records ChallengeExpired on time, once, waking a long-poll, with two instances running timers', async () => {
    const devices = await Promise.all([pair(), pair(), pair()]);
    const challenges = await Promise.all(devices.map((device, i) => issueOn(i % 2 ? first : second, device)));
    const longPoll = first.call('GET', `/v1/challenges/${challenges[0]!.challengeId}?waitSeconds=30`, { key: ws.platformKey });
    const tab = await first.device(devices[0]!, 'GET', '/v1/device/challenges?status=pending');
    expect(tab.body.items.map((item: { challengeId: string }) => item.challengeId)).toEqual([challenges[0]!.challengeId]);

    const polled = await longPoll;
    expect(polled.body).toMatchObject({ status: 'expired', resolvedAt: challenges[0]!.expiresAt });
    expect(Date.now()).toBeLessThan(Date.parse(challenges[0]!.expiresAt) + ON_TIME_MS);

    await sleepUntil(Date.parse(challenges[2]!.expiresAt) + ON_TIME_MS);
    for (const challenge of challenges) {
      const outcomes = await outcomesOf(challenge.challengeId);
      expect(outcomes.map((e) => e.type)).toEqual(['ChallengeExpired']);
      expect(outcomes[0]!.recordedAt.getTime()).toBeGreaterThanOrEqual(Date.parse(challenge.expiresAt));
      expect(outcomes[0]!.recordedAt.getTime()).toBeLessThan(Date.parse(challenge.expiresAt) + ON_TIME_MS);
    }
    expect((await first.device(devices[0]!, 'GET', '/v1/device/challenges?status=pending')).body.items).toEqual([]);
    const late = await second.device(devices[0]!, 'POST', `/v1/device/challenges/${challenges[0]!.challengeId}/response`, {
      decision: 'approve',
      numberMatch: challenges[0]!.numberMatch,
    });
    expect(late).toMatchObject({ status: 410, body: { code: 'challenge_expired' } });
    const published = await world.publishedFor(challenges[0]!.challengeId, ['ChallengeExpired']);
    expect(published.find((e) => e.type === 'ChallengeExpired')?.data).toEqual({
      challengeId: challenges[0]!.challengeId,
      userId: devices[0]!.userId,
      resolvedAt: challenges[0]!.expiresAt,
    });
  });

  it('gives an approval racing the deadline exactly one outcome, and the answer agrees with it', async () => {
    const offsetsMs = [-60, -20, 0, 20, 60];
    const devices = await Promise.all(offsetsMs.map(() => pair()));
    const challenges = await Promise.all(devices.map((device) => issueOn(first, device)));
    const answers = await Promise.all(
      challenges.map(async (challenge, i) => {
        await sleepUntil(Date.parse(challenge.expiresAt) + offsetsMs[i]!);
        return (i % 2 ? first : second).device(devices[i]!, 'POST', `/v1/device/challenges/${challenge.challengeId}/response`, {
          decision: 'approve',
          numberMatch: challenge.numberMatch,
        });
      }),
    );
    await sleepUntil(Math.max(...challenges.map((c) => Date.parse(c.expiresAt))) + ON_TIME_MS);
    for (const [i, challenge] of challenges.entries()) {
      const outcomes = await outcomesOf(challenge.challengeId);
      expect(outcomes).toHaveLength(1);
      const status = (await first.call('GET', `/v1/challenges/${challenge.challengeId}`, { key: ws.platformKey })).body.status;
      if (answers[i]!.status === 200) {
        expect(outcomes[0]!.type).toBe('ChallengeApproved');
        expect(status).toBe('approved');
      } else {
        expect(answers[i]!.body.code).toBe('challenge_expired');
        expect(outcomes[0]!.type).toBe('ChallengeExpired');
        expect(status).toBe('expired');
      }
    }
  });

  it('answers a long-poll on one instance as soon as another instance records the decision', async () => {
    const device = await pair();
    const challenge = await issueOn(first, device);
    const started = Date.now();
    const longPoll = first.call('GET', `/v1/challenges/${challenge.challengeId}?waitSeconds=8`, { key: ws.platformKey });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const approved = await second.device(device, 'POST', `/v1/device/challenges/${challenge.challengeId}/response`, {
      decision: 'approve',
      numberMatch: challenge.numberMatch,
    });
    expect(approved).toMatchObject({ status: 200, body: { status: 'approved' } });
    expect((await longPoll).body).toMatchObject({ challengeId: challenge.challengeId, status: 'approved' });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('still expires a challenge on time after the instance that issued it is replaced', async () => {
    const device = await pair();
    const challenge = await issueOn(second, device);
    await world.stop(second);
    await world.stop(first);
    const replacement = await world.start();
    const polled = await replacement.call('GET', `/v1/challenges/${challenge.challengeId}?waitSeconds=30`, { key: ws.platformKey });
    expect(polled.body).toMatchObject({ status: 'expired' });
    await sleepUntil(Date.parse(challenge.expiresAt) + ON_TIME_MS);
    const outcomes = await outcomesOf(challenge.challengeId);
    expect(outcomes.map((e) => e.type)).toEqual(['ChallengeExpired']);
    expect(outcomes[0]!.recordedAt.getTime()).toBeLessThan(Date.parse(challenge.expiresAt) + ON_TIME_MS);
  });
});
