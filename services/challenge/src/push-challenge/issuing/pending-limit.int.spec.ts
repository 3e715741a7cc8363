import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ChallengeInstance, ChallengeTestWorld, type TestDevice, type TestWorkspace } from '../../challenge.test-app';

/**
 * One pending request at a time (`maxPendingPerUser`): a new challenge cancels the user's oldest pending ones beyond
 * the limit in its own transaction, as superseded, so the Pending tab never shows a stale request.
 */
describe('maxPendingPerUser', () => {
  let world: ChallengeTestWorld;
  let service: ChallengeInstance;
  let one: TestWorkspace;
  let two: TestWorkspace;

  beforeAll(async () => {
    world = await ChallengeTestWorld.create('pendinglimit');
    service = await world.start();
    [one, two] = await Promise.all([
      world.workspace(service, { numberMatching: 'off', maxChallengesPerUserPer10Min: 100 }),
      world.workspace(service, { numberMatching: 'off', maxChallengesPerUserPer10Min: 100, maxPendingPerUser: 2 }),
    ]);
  }, 60_000);

  afterAll(async () => {
    await world?.dispose();
  });

  const issue = (workspace: TestWorkspace, userId: string) => service.call('POST', '/v1/challenges', { key: workspace.platformKey, body: { userId } });
  const pendingTab = async (phone: TestDevice) =>
    (await service.device(phone, 'GET', '/v1/device/challenges?status=pending')).body.items.map((i: { challengeId: string }) => i.challengeId);
  const pendingRows = async (userId: string) =>
    (await world.db.query<{ challenge_id: string }>("select challenge_id from challenge.challenge_list where user_id = $1 and status = 'pending'", [userId]))
      .rows;

  it('cancels the older pending challenge as superseded by the new one; the Pending tab and a long-poll show it', async () => {
    const phone = await world.pairDevice(one, `ann-${randomUUID()}`);
    const first = (await issue(one, phone.userId)).body;
    const polling = service.call('GET', `/v1/challenges/${first.challengeId}?waitSeconds=20`, { key: one.platformKey });
    const second = await issue(one, phone.userId);
    expect(second.status).toBe(201);

    expect((await polling).body.status).toBe('cancelled');
    const stored = await world.storedEvents(first.challengeId);
    expect(stored.map((e) => e.type)).toEqual(['ChallengeIssued', 'ChallengeCancelled']);
    expect(stored[1]!.data).toMatchObject({ reason: 'superseded', supersededBy: second.body.challengeId });
    expect(await pendingTab(phone)).toEqual([second.body.challengeId]);
    const published = await world.publishedFor(first.challengeId, ['ChallengeCancelled']);
    expect(published.find((e) => e.type === 'ChallengeCancelled')?.data).toMatchObject({ reason: 'superseded', supersededBy: second.body.challengeId });
  });

  it('leaves exactly one pending challenge when issues for one user arrive at once', async () => {
    const phone = await world.pairDevice(one, `bob-${randomUUID()}`);
    const answers = await Promise.all(Array.from({ length: 6 }, () => issue(one, phone.userId)));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201, 201]);
    expect(await pendingRows(phone.userId)).toHaveLength(1);
    expect(await pendingTab(phone)).toHaveLength(1);
    const cancelled = await Promise.all(answers.map(async (a) => (await world.storedEvents(a.body.challengeId)).map((e) => e.data.reason ?? e.type)));
    expect(cancelled.filter((types) => types.includes('superseded'))).toHaveLength(5);
  });

  it('keeps the two newest with a limit of 2', async () => {
    const phone = await world.pairDevice(two, `cyd-${randomUUID()}`);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await issue(two, phone.userId)).body.challengeId);
    expect(new Set(await pendingTab(phone))).toEqual(new Set(ids.slice(1)));
    expect((await world.storedEvents(ids[0]!))[1]?.data).toMatchObject({ reason: 'superseded', supersededBy: ids[2] });
    const concurrent = await Promise.all(Array.from({ length: 5 }, () => issue(two, phone.userId)));
    expect(concurrent.every((a) => a.status === 201)).toBe(true);
    expect(await pendingRows(phone.userId)).toHaveLength(2);
  });
});
