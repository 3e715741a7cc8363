import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ChallengeInstance, ChallengeTestWorld, type TestWorkspace } from '../../challenge.test-app';

/**
 * Requests that arrive together are written in one transaction (group commit), each decided on its own: a refusal
 * is that request's alone, a user's push budget counts the pushes decided before it in the same batch, and a refused
 * request leaves nothing behind, not even its Idempotency-Key.
 */
describe('issuing with group commit', () => {
  let world: ChallengeTestWorld;
  let service: ChallengeInstance;
  let ws: TestWorkspace;

  beforeAll(async () => {
    world = await ChallengeTestWorld.create('groupcommit');
    service = await world.start();
    // Several pending challenges per user: the pending limit is pending-limit.int.spec.ts's.
    ws = await world.workspace(service, { maxChallengesPerUserPer10Min: 2, numberMatching: 'off', maxPendingPerUser: 20 });
  }, 60_000);

  afterAll(async () => {
    await world?.dispose();
  });

  const issue = (userId: string, headers: Record<string, string> = {}) =>
    service.call('POST', '/v1/challenges', { key: ws.platformKey, body: { userId }, headers });

  it('answers each request of a batch on its own, and a refused request leaves nothing behind', async () => {
    const busy = await world.pairDevice(ws, `busy-${randomUUID()}`);
    const keyed = await world.pairDevice(ws, `keyed-${randomUUID()}`);
    const unpaired = `unpaired-${randomUUID()}`;
    const keyedKey = { 'idempotency-key': `k-${randomUUID()}` };
    const unpairedKey = { 'idempotency-key': `k-${randomUUID()}` };

    const [busy1, busy2, busy3, keyed1, refused, keyed2] = await Promise.all([
      issue(busy.userId),
      issue(busy.userId),
      issue(busy.userId),
      issue(keyed.userId, keyedKey),
      issue(unpaired, unpairedKey),
      issue(keyed.userId, keyedKey),
    ]);
    expect([busy1, busy2, busy3].map((a) => a.status).sort()).toEqual([201, 201, 429]);
    expect(keyed1.status).toBe(201);
    expect(keyed2).toMatchObject({ status: 201, body: keyed1.body });
    expect(refused).toMatchObject({ status: 409, body: { code: 'no_active_device' } });

    // Exactly the answered challenges were stored, each with its own stream.
    const issuedIds = [busy1, busy2, busy3, keyed1].filter((a) => a.status === 201).map((a) => a.body.challengeId as string);
    for (const id of issuedIds) expect((await world.storedEvents(id)).map((e) => e.type)).toEqual(['ChallengeIssued']);
    const { rows } = await world.db.query<{ user_id: string; n: string }>(
      'select user_id, count(*) as n from challenge.challenge_list where workspace_id = $1 group by user_id',
      [ws.workspaceId],
    );
    expect(Object.fromEntries(rows.map((r) => [r.user_id, Number(r.n)]))).toEqual({ [busy.userId]: 2, [keyed.userId]: 1 });

    // The refused request's key was given up: once the user has a phone, the same key and body issue a challenge.
    await world.pairDevice(ws, unpaired);
    const retried = await issue(unpaired, unpairedKey);
    expect(retried.status).toBe(201);
    expect(retried.body.challengeId).toEqual(expect.any(String));
  });
});
