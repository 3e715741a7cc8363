import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ChallengeInstance, ChallengeTestWorld, type TestDevice, type TestWorkspace } from '../../challenge.test-app';
import { ResendChallengeHandler } from './resend-challenge.handler';

/**
 * Resends that arrive together are written in one transaction (group commit), each decided under its user's lock on
 * that user's push budget, counting the pushes the batch decided before it; a refusal is its own resend's alone, and a
 * batch that another writer got ahead of is written again one resend at a time, with nothing recorded twice.
 */
describe('resends with group commit', () => {
  let world: ChallengeTestWorld;
  let service: ChallengeInstance;
  let ws: TestWorkspace;
  let resends: ResendChallengeHandler;

  beforeAll(async () => {
    world = await ChallengeTestWorld.create('batchedresend');
    service = await world.start();
    ws = await world.workspace(service, { maxPendingPerUser: 5 });
    resends = service.app.get(ResendChallengeHandler);
  }, 60_000);

  afterAll(async () => {
    await world?.dispose();
  });

  const issue = async (device: TestDevice, workspace = ws): Promise<{ challengeId: string }> => {
    const answer = await service.call('POST', '/v1/challenges', { key: workspace.platformKey, body: { userId: device.userId } });
    expect(answer.status).toBe(201);
    return answer.body as { challengeId: string };
  };
  const phones = (workspace: TestWorkspace, ...names: string[]) => Promise.all(names.map((name) => world.pairDevice(workspace, `${name}-${randomUUID()}`)));
  const resend = (challengeId: string, workspaceId = ws.workspaceId) =>
    resends.execute({ workspaceId, challengeId }).then(
      (answer) => ({ answer }),
      (error: { code?: string }) => ({ code: error.code }),
    );
  const types = async (challengeId: string) => (await world.storedEvents(challengeId)).map((e) => e.type);

  it('writes the resends of one tick in one transaction, each on its own user budget counted after the batch’s earlier pushes', async () => {
    // Three pushes in ten minutes at most: the budgeted user's two issues leave room for one resend.
    const tight = await world.workspace(service, { maxPendingPerUser: 5, maxChallengesPerUserPer10Min: 3 });
    const [a, b, done, other] = await phones(ws, 'a', 'b', 'done', 'other');
    const [budgeted] = await phones(tight, 'budgeted');
    const [ofA, ofB, ofDone, ofOther] = [await issue(a!), await issue(b!), await issue(done!), await issue(other!)];
    const [first, second] = [await issue(budgeted!, tight), await issue(budgeted!, tight)];
    expect(await service.device(done!, 'POST', `/v1/device/challenges/${ofDone.challengeId}/response`, { decision: 'deny' })).toMatchObject({ status: 200 });

    const before = await service.groupCommitBatches('resend');
    const answers = await Promise.all([
      resend(ofA.challengeId),
      resend(ofB.challengeId),
      resend(first.challengeId, tight.workspaceId),
      // The same user's other challenge: the resend before it in the batch took the budget's last push.
      resend(second.challengeId, tight.workspaceId),
      // Resolved already.
      resend(ofDone.challengeId),
      // Another workspace's challenge reads as absent.
      resend(ofOther.challengeId, tight.workspaceId),
    ]);
    expect(answers).toEqual([
      { answer: { attempt: 1 } },
      { answer: { attempt: 1 } },
      { answer: { attempt: 1 } },
      { code: 'rate_limited' },
      { code: 'challenge_not_pending' },
      { code: 'not_found' },
    ]);
    for (const { challengeId } of [ofA, ofB, first]) expect(await types(challengeId)).toEqual(['ChallengeIssued', 'ChallengeResendRequested']);
    for (const { challengeId } of [second, ofOther]) expect(await types(challengeId)).toEqual(['ChallengeIssued']);
    expect(await world.transactionsOf([ofA, ofB, first].map((c) => c.challengeId))).toHaveLength(1);
    const after = await service.groupCommitBatches('resend');
    expect({ batches: after.batches - before.batches, requests: after.requests - before.requests }).toEqual({ batches: 1, requests: 6 });
    // The refusal over the budget marked the user's risk, with the batch's COMMIT.
    const { rows } = await world.db.query('select kind from challenge.user_risk_marks where workspace_id = $1 and user_id = $2', [
      tight.workspaceId,
      budgeted!.userId,
    ]);
    expect(rows).toEqual([{ kind: 'rate_limit' }]);
  });

  it('writes a batch again one resend at a time when another writer appended first, recording nothing twice', async () => {
    const [raced, calm] = await phones(ws, 'raced', 'calm');
    const [ofRaced, ofCalm] = [await issue(raced!), await issue(calm!)];
    // Another writer (another instance recording the app's receipt) holds the raced challenge's stream, uncommitted.
    const held = world.holdStream(service, ofRaced.challengeId, raced!, ws.workspaceId);
    const before = await service.groupCommitBatches('resend');
    const answers = Promise.all([resend(ofRaced.challengeId), resend(ofCalm.challengeId)]);
    // The batch read both streams before the other writer committed, and its COMMIT waits on the raced stream's row.
    await held.waitedOn();
    await held.release();
    expect(await answers).toEqual([{ answer: { attempt: 1 } }, { answer: { attempt: 1 } }]);
    expect(await types(ofRaced.challengeId)).toEqual(['ChallengeIssued', 'ChallengeReceived', 'ChallengeResendRequested']);
    expect(await types(ofCalm.challengeId)).toEqual(['ChallengeIssued', 'ChallengeResendRequested']);
    const after = await service.groupCommitBatches('resend');
    expect({ batches: after.batches - before.batches, requests: after.requests - before.requests }).toEqual({ batches: 1, requests: 2 });
  });
});
