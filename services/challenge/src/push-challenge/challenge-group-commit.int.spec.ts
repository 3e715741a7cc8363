import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ChallengeInstance, ChallengeTestWorld, type TestDevice, type TestWorkspace } from '../challenge.test-app';
import { CancelChallengeHandler } from './cancelling/cancel-challenge.handler';
import { AcknowledgeReceiptHandler } from './receiving/acknowledge-receipt.handler';

/**
 * Receipts and cancellations that arrive together are written in one transaction (group commit), each decided on its
 * own challenge's stream: a refusal is its own command's alone, and a batch that another writer got ahead of is
 * written again one command at a time, on fresh reads, with nothing recorded twice.
 */
describe('receipts and cancellations with group commit', () => {
  let world: ChallengeTestWorld;
  let service: ChallengeInstance;
  let ws: TestWorkspace;
  let receipts: AcknowledgeReceiptHandler;
  let cancels: CancelChallengeHandler;

  beforeAll(async () => {
    world = await ChallengeTestWorld.create('batchedcmds');
    service = await world.start();
    ws = await world.workspace(service, { maxPendingPerUser: 5 });
    receipts = service.app.get(AcknowledgeReceiptHandler);
    cancels = service.app.get(CancelChallengeHandler);
  }, 60_000);

  afterAll(async () => {
    await world?.dispose();
  });

  const issue = async (device: TestDevice, workspace = ws): Promise<{ challengeId: string; numberMatch: string }> => {
    const answer = await service.call('POST', '/v1/challenges', { key: workspace.platformKey, body: { userId: device.userId } });
    expect(answer.status).toBe(201);
    return answer.body as { challengeId: string; numberMatch: string };
  };
  const phones = (...names: string[]) => Promise.all(names.map((name) => world.pairDevice(ws, `${name}-${randomUUID()}`)));
  const outcome = <T>(work: Promise<T>) =>
    work.then(
      (answer) => ({ answer }),
      (error: { code?: string }) => ({ code: error.code }),
    );
  const receipt = (device: TestDevice, challengeId: string) =>
    outcome(receipts.execute(challengeId, { deviceId: device.deviceId, workspaceId: ws.workspaceId, userId: device.userId }));
  const cancel = (challengeId: string, workspaceId = ws.workspaceId) => outcome(cancels.execute({ workspaceId, challengeId }));
  const types = async (challengeId: string) => (await world.storedEvents(challengeId)).map((e) => e.type);

  it('writes the receipts of one tick in one transaction, and answers each on its own', async () => {
    const [a, b, c, d, stranger, again] = await phones('a', 'b', 'c', 'd', 'stranger', 'again');
    const [ofA, ofB, ofC, ofD, ofAgain] = [await issue(a!), await issue(b!), await issue(c!), await issue(d!), await issue(again!)];
    expect(await receipt(again!, ofAgain.challengeId)).toEqual({ answer: undefined });

    const before = await service.groupCommitBatches('receipt');
    const answers = await Promise.all([
      receipt(a!, ofA.challengeId),
      receipt(b!, ofB.challengeId),
      receipt(c!, ofC.challengeId),
      // Another user's challenge: refused alone.
      receipt(stranger!, ofD.challengeId),
      // Recorded already: answered, nothing appended.
      receipt(again!, ofAgain.challengeId),
      // Refused before it joins the batch.
      receipt(a!, 'not-a-challenge-id'),
    ]);
    expect(answers).toEqual([
      { answer: undefined },
      { answer: undefined },
      { answer: undefined },
      { code: 'not_found' },
      { answer: undefined },
      { code: 'not_found' },
    ]);
    for (const { challengeId } of [ofA, ofB, ofC, ofAgain]) expect(await types(challengeId)).toEqual(['ChallengeIssued', 'ChallengeReceived']);
    expect(await types(ofD.challengeId)).toEqual(['ChallengeIssued']);
    expect(await world.transactionsOf([ofA, ofB, ofC].map((c) => c.challengeId))).toHaveLength(1);
    const after = await service.groupCommitBatches('receipt');
    expect({ batches: after.batches - before.batches, requests: after.requests - before.requests }).toEqual({ batches: 1, requests: 5 });
  });

  it('writes a batch again one receipt at a time when another writer appended first, recording nothing twice', async () => {
    const [raced, calm] = await phones('raced', 'calm');
    const [ofRaced, ofCalm] = [await issue(raced!), await issue(calm!)];
    // Another writer (another instance recording the same receipt) holds the raced challenge's stream, uncommitted.
    const held = world.holdStream(service, ofRaced.challengeId, raced!, ws.workspaceId);
    const before = await service.groupCommitBatches('receipt');
    const answers = Promise.all([receipt(raced!, ofRaced.challengeId), receipt(calm!, ofCalm.challengeId)]);
    // The batch read both streams before the other writer committed, and its COMMIT waits on the raced stream's row.
    await held.waitedOn();
    await held.release();
    expect(await answers).toEqual([{ answer: undefined }, { answer: undefined }]);
    expect(await types(ofRaced.challengeId)).toEqual(['ChallengeIssued', 'ChallengeReceived']);
    expect(await types(ofCalm.challengeId)).toEqual(['ChallengeIssued', 'ChallengeReceived']);
    const after = await service.groupCommitBatches('receipt');
    expect({ batches: after.batches - before.batches, requests: after.requests - before.requests }).toEqual({ batches: 1, requests: 2 });
  });

  it('writes the cancellations of one tick in one transaction, wakes their long-polls, and refuses each on its own', async () => {
    const [a, b, done] = await phones('a', 'b', 'done');
    const [ofA, ofB, ofDone] = [await issue(a!), await issue(b!), await issue(done!)];
    const other = await world.workspace(service);
    const stranger = await world.pairDevice(other, `stranger-${randomUUID()}`);
    const ofStranger = await issue(stranger, other);
    expect(await service.device(done!, 'POST', `/v1/device/challenges/${ofDone.challengeId}/response`, { decision: 'deny' })).toMatchObject({ status: 200 });
    const waiting = service.call('GET', `/v1/challenges/${ofA.challengeId}?waitSeconds=20`, { key: ws.platformKey });

    const answers = await Promise.all([
      cancel(ofA.challengeId),
      cancel(ofB.challengeId),
      // Resolved already.
      cancel(ofDone.challengeId),
      // Another workspace's challenge reads as absent.
      cancel(ofStranger.challengeId),
    ]);
    expect(answers).toEqual([
      { answer: { status: 'cancelled' } },
      { answer: { status: 'cancelled' } },
      { code: 'challenge_not_pending' },
      { code: 'not_found' },
    ]);
    expect(await waiting).toMatchObject({ status: 200, body: { status: 'cancelled' } });
    expect(await types(ofA.challengeId)).toEqual(['ChallengeIssued', 'ChallengeCancelled']);
    expect(await types(ofStranger.challengeId)).toEqual(['ChallengeIssued']);
    expect(await world.transactionsOf([ofA.challengeId, ofB.challengeId])).toHaveLength(1);
    // The read model was written with the batch's COMMIT.
    const { rows } = await world.db.query<{ status: string }>('select status from challenge.challenge_list where challenge_id = any($1)', [
      [ofA.challengeId, ofB.challengeId],
    ]);
    expect(rows.map((row) => row.status)).toEqual(['cancelled', 'cancelled']);
  });
});
