import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ChallengeInstance, ChallengeTestWorld, type TestDevice, type TestWorkspace } from '../../challenge.test-app';
import { USER_LOCK_CLASS } from '../issuing/issue-admission';
import { RespondToChallengeHandler, type RespondToChallenge } from './respond-to-challenge.handler';

/**
 * Responses that arrive together are written in one transaction (group commit), each decided on its own under its
 * user's lock: a refusal, a wrong number or a fraud report is its own response's alone, and two responses of one user
 * never share a transaction.
 */
describe('responding with group commit', () => {
  let world: ChallengeTestWorld;
  let service: ChallengeInstance;
  let ws: TestWorkspace;
  let handler: RespondToChallengeHandler;

  beforeAll(async () => {
    world = await ChallengeTestWorld.create('respondbatch');
    service = await world.start();
    ws = await world.workspace(service, { maxPendingPerUser: 5, fraudLockMinutes: 1 });
    handler = service.app.get(RespondToChallengeHandler);
  }, 60_000);

  afterAll(async () => {
    await world?.dispose();
  });

  const issue = async (device: TestDevice): Promise<{ challengeId: string; numberMatch: string }> => {
    const answer = await service.call('POST', '/v1/challenges', { key: ws.platformKey, body: { userId: device.userId } });
    expect(answer.status).toBe(201);
    return answer.body as { challengeId: string; numberMatch: string };
  };
  const asDevice = (device: TestDevice) => ({ deviceId: device.deviceId, workspaceId: ws.workspaceId, userId: device.userId });
  const respond = (device: TestDevice, challengeId: string, body: Omit<RespondToChallenge, 'device'>) =>
    handler.execute(challengeId, { device: asDevice(device), ...body }).then(
      (answer) => ({ answer }),
      (error: { code?: string }) => ({ code: error.code }),
    );
  const transactionsOf = (challengeIds: string[]) => world.transactionsOf(challengeIds);
  const types = async (challengeId: string) => (await world.storedEvents(challengeId)).map((e) => e.type);
  const responseBatches = () => service.groupCommitBatches('response');

  it('writes the responses of one tick in one transaction, and answers each on its own', async () => {
    const [a, b, wrong, fraudster, stranger, late, malformed] = await Promise.all(
      ['a', 'b', 'wrong', 'fraud', 'stranger', 'late', 'malformed'].map((name) => world.pairDevice(ws, `${name}-${randomUUID()}`)),
    );
    const ofA = await issue(a!);
    const ofB = await issue(b!);
    const ofWrong = await issue(wrong!);
    const fraudFirst = await issue(fraudster!);
    const fraudOther = await issue(fraudster!);
    const ofLate = await issue(late!);
    expect(await respond(late!, ofLate.challengeId, { decision: 'approve', numberMatch: ofLate.numberMatch })).toEqual({ answer: { status: 'approved' } });

    // Submitted in one tick: one batch.
    const before = await responseBatches();
    const answers = await Promise.all([
      respond(a!, ofA.challengeId, { decision: 'approve', numberMatch: ofA.numberMatch }),
      respond(b!, ofB.challengeId, { decision: 'deny' }),
      respond(wrong!, ofWrong.challengeId, { decision: 'approve', numberMatch: String((Number(ofWrong.numberMatch) + 1) % 100).padStart(2, '0') }),
      respond(fraudster!, fraudFirst.challengeId, { decision: 'deny', fraud: true }),
      respond(stranger!, ofA.challengeId, { decision: 'approve', numberMatch: ofA.numberMatch }),
      respond(late!, ofLate.challengeId, { decision: 'deny' }),
      // Refused before it joins the batch: it must not fail the others' transaction.
      respond(malformed!, 'not-a-challenge-id', { decision: 'deny' }),
    ]);
    expect(answers).toEqual([
      { answer: { status: 'approved' } },
      { answer: { status: 'denied' } },
      { code: 'number_mismatch' },
      { answer: { status: 'denied' } },
      { code: 'not_found' },
      { code: 'challenge_not_pending' },
      { code: 'not_found' },
    ]);

    expect(await types(ofA.challengeId)).toEqual(['ChallengeIssued', 'ChallengeApproved']);
    expect(await types(ofB.challengeId)).toEqual(['ChallengeIssued', 'ChallengeDenied']);
    expect(await types(ofWrong.challengeId)).toEqual(['ChallengeIssued', 'ChallengeDenied']);
    expect(await types(fraudFirst.challengeId)).toEqual(['ChallengeIssued', 'ChallengeDenied', 'FraudReported']);
    // The fraud report cancelled the user's other pending challenge in the same transaction.
    expect(await types(fraudOther.challengeId)).toEqual(['ChallengeIssued', 'ChallengeCancelled']);
    expect(await types(ofLate.challengeId)).toEqual(['ChallengeIssued', 'ChallengeApproved']);
    // Everything the batch appended committed together, and the metric counted one batch of six.
    expect(await transactionsOf([ofA, ofB, ofWrong, fraudFirst, fraudOther].map((c) => c.challengeId))).toHaveLength(1);
    const after = await responseBatches();
    expect({ batches: after.batches - before.batches, requests: after.requests - before.requests }).toEqual({ batches: 1, requests: 6 });

    // The read models and the platform's view agree.
    const status = await service.call('GET', `/v1/challenges/${ofA.challengeId}`, { key: ws.platformKey });
    expect(status).toMatchObject({ status: 200, body: { status: 'approved' } });
    const { rows } = await world.db.query<{ challenge_id: string; status: string }>(
      'select challenge_id, status from challenge.challenge_list where challenge_id = any($1) order by challenge_id',
      [[ofA.challengeId, ofB.challengeId, fraudOther.challengeId]],
    );
    expect(Object.fromEntries(rows.map((row) => [row.challenge_id, row.status]))).toEqual({
      [ofA.challengeId]: 'approved',
      [ofB.challengeId]: 'denied',
      [fraudOther.challengeId]: 'cancelled',
    });
  });

  it('never puts two responses of one user in one transaction', async () => {
    const phone = await world.pairDevice(ws, `twice-${randomUUID()}`);
    const first = await issue(phone);
    const second = await issue(phone);
    const answers = await Promise.all([
      respond(phone, first.challengeId, { decision: 'approve', numberMatch: first.numberMatch }),
      respond(phone, second.challengeId, { decision: 'deny' }),
    ]);
    expect(answers).toEqual([{ answer: { status: 'approved' } }, { answer: { status: 'denied' } }]);
    expect(await transactionsOf([first.challengeId, second.challengeId])).toHaveLength(2);
  });

  it('leaves a user whose lock another transaction holds out of the batch, without holding up the others', async () => {
    const [busy, free1, free2] = await Promise.all(['busy', 'free1', 'free2'].map((name) => world.pairDevice(ws, `${name}-${randomUUID()}`)));
    const [ofBusy, ofFree1, ofFree2] = [await issue(busy!), await issue(free1!), await issue(free2!)];
    // Another transaction holds the busy user's lock (as an issue or a resend of that user would).
    const holder = await world.db.connect();
    try {
      await holder.query('begin');
      await holder.query(`select pg_advisory_xact_lock(${USER_LOCK_CLASS}, hashtext($1::text))`, [`${ws.workspaceId}/${busy!.userId}`]);
      const busyAnswer = respond(busy!, ofBusy.challengeId, { decision: 'approve', numberMatch: ofBusy.numberMatch });
      const answered = await Promise.all([
        respond(free1!, ofFree1.challengeId, { decision: 'approve', numberMatch: ofFree1.numberMatch }),
        respond(free2!, ofFree2.challengeId, { decision: 'deny' }),
      ]);
      expect(answered).toEqual([{ answer: { status: 'approved' } }, { answer: { status: 'denied' } }]);
      // The busy user's response waits for its lock, and was decided on nothing read before the lock was granted.
      expect(await types(ofBusy.challengeId)).toEqual(['ChallengeIssued']);
      await holder.query('commit');
      expect(await busyAnswer).toEqual({ answer: { status: 'approved' } });
    } finally {
      await holder.query('rollback').catch(() => undefined);
      holder.release();
    }
    expect(await types(ofBusy.challengeId)).toEqual(['ChallengeIssued', 'ChallengeApproved']);
    expect(await transactionsOf([ofFree1.challengeId, ofFree2.challengeId])).toHaveLength(1);
    expect(await transactionsOf([ofBusy.challengeId, ofFree1.challengeId])).toHaveLength(2);
  });

  it('decides a held-out response on what it reads once its lock is granted: a push lock committed meanwhile refuses it', async () => {
    const [locked, other] = await Promise.all(['locked', 'other'].map((name) => world.pairDevice(ws, `${name}-${randomUUID()}`)));
    const ofLocked = await issue(locked!);
    const ofOther = await issue(other!);
    // A transaction holds the user's lock and locks push for the user (as a fraud report on another challenge does).
    const holder = await world.db.connect();
    try {
      await holder.query('begin');
      await holder.query(`select pg_advisory_xact_lock(${USER_LOCK_CLASS}, hashtext($1::text))`, [`${ws.workspaceId}/${locked!.userId}`]);
      await holder.query(
        `insert into challenge.push_locks (workspace_id, user_id, locked_until, reason, locked_at) values ($1, $2, now() + interval '1 minute', 'fraud_report', now())`,
        [ws.workspaceId, locked!.userId],
      );
      // In one batch: the approval's guard is read while the lock is held (no push lock yet), and must not be decided on.
      const approval = respond(locked!, ofLocked.challengeId, { decision: 'approve', numberMatch: ofLocked.numberMatch });
      expect(await respond(other!, ofOther.challengeId, { decision: 'deny' })).toEqual({ answer: { status: 'denied' } });
      await holder.query('commit');
      expect(await approval).toEqual({ code: 'push_locked' });
    } finally {
      await holder.query('rollback').catch(() => undefined);
      holder.release();
    }
    expect(await types(ofLocked.challengeId)).toEqual(['ChallengeIssued']);
  });
});
