import type { Kafka } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import { type ContractEnvelope, type EventType, topicName } from '@pushmfa/contracts';
import { type ContractBatchHandler, ContractConsumer, currentTraceparent, PgInbox } from '@pushmfa/messaging';
import { applyChallengeEvent } from '../challenges/challenge-view.projection';
import type { ChallengeViews } from '../challenges/challenge-views';
import type { PushDispatcher } from '../dispatching/push-dispatcher';
import type { PushJob } from '../dispatching/push-job';
import { mayRequestPushes, planPushJobs } from '../dispatching/push-job-planning';
import type { PushScheduler } from '../dispatching/push-scheduler';
import type { PendingPushes } from '../pending/pending-pushes';
import type { ConsumerLog } from './consumer-log';

export const CHALLENGE_DISPATCH_GROUP = 'delivery.push-dispatch';
/** The events that change the challenge view or ask for pushes; a ChallengeReceived does neither, so it is skipped. */
export const CHALLENGE_DISPATCH_EVENT_TYPES: readonly EventType[] = [
  'ChallengeIssued',
  'ChallengeResendRequested',
  'ChallengeApproved',
  'ChallengeDenied',
  'ChallengeExpired',
  'ChallengeCancelled',
];

export interface ChallengeDispatchDeps {
  kafka: Kafka;
  pool: Pool;
  schema: string;
  topicPrefix: string;
  views: ChallengeViews;
  scheduler: PushScheduler;
  dispatcher: PushDispatcher;
  pending: PendingPushes;
  log: ConsumerLog;
}

/**
 * Applies `pushmfa.challenge.v1` to the challenge view and, for an issue or a resend, hands one push per
 * target device to the scheduler. The view updates, the pending-push rows and the inbox marks of a fetched batch
 * commit together; the pushes are scheduled only after that, without being awaited: the partition moves on while
 * they run, and a worker that dies leaves their rows for another worker to take over.
 */
export function createChallengeDispatchConsumer(deps: ChallengeDispatchDeps): ContractConsumer {
  const inbox = new PgInbox(deps.pool, deps.schema);
  /** Applies one event inside the inbox transaction; returns the pushes it asks for. */
  const apply = async (client: PoolClient, envelope: ContractEnvelope): Promise<PushJob[]> => {
    // Runs in the record's consumer span, so the pushes carry the producer's trace.
    const traceparent = currentTraceparent();
    await applyChallengeEvent(client, deps.schema, envelope);
    // Approvals, receipts and the like only update the view: no need to read it back.
    if (!mayRequestPushes(envelope)) return [];
    const challengeId = (envelope.data as { challengeId: string }).challengeId;
    const view = await deps.views.find(envelope.workspaceId, challengeId, client);
    const jobs = planPushJobs(envelope, view, traceparent);
    if (view && jobs.length > 0) await deps.pending.insert(client, jobs, view.expiresAtMs);
    return jobs;
  };
  const dispatch = async (jobs: PushJob[]): Promise<void> => {
    if (jobs.length === 0) return;
    // Back-pressure only when far more pushes wait than can run; otherwise this returns at once.
    await deps.scheduler.waitForCapacity();
    for (const job of jobs) deps.dispatcher.dispatch(job);
  };
  const handle = async (envelope: ContractEnvelope): Promise<void> => {
    let jobs: PushJob[] = [];
    await inbox.handleOnce(CHALLENGE_DISPATCH_GROUP, envelope.id, async (client) => {
      jobs = await apply(client, envelope);
    });
    await dispatch(jobs);
  };
  // A fetched batch commits in one transaction: one inbox round trip and one commit for all its events.
  const handleBatch: ContractBatchHandler = async (items, inRecordSpan) => {
    const jobs: PushJob[] = [];
    const ids = items.map((item) => item.envelope.id);
    await inbox.handleEachOnce(CHALLENGE_DISPATCH_GROUP, ids, async (client, firstTime) => {
      for (const item of items) {
        if (firstTime(item.envelope.id)) jobs.push(...(await inRecordSpan(item, () => apply(client, item.envelope))));
      }
    });
    await dispatch(jobs);
  };
  return new ContractConsumer({
    kafka: deps.kafka,
    groupId: `${deps.topicPrefix}${CHALLENGE_DISPATCH_GROUP}`,
    topics: [topicName('challenge', deps.topicPrefix)],
    log: deps.log,
    handledTypes: CHALLENGE_DISPATCH_EVENT_TYPES,
    handle,
    handleBatch,
  });
}
