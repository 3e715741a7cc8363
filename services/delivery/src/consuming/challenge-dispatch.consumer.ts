import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { type ContractEnvelope, type EventType, topicName } from '@pushmfa/contracts';
import { ContractConsumer, currentTraceparent } from '@pushmfa/messaging';
import type { MetricsService } from '@pushmfa/observability';
import { applyChallengeEvent } from '../challenges/challenge-view.projection';
import type { ChallengeViews } from '../challenges/challenge-views';
import type { PushDispatcher } from '../dispatching/push-dispatcher';
import type { PushJob } from '../dispatching/push-job';
import { mayRequestPushes, planPushJobs } from '../dispatching/push-job-planning';
import type { PushScheduler } from '../dispatching/push-scheduler';
import type { PendingPushes } from '../pending/pending-pushes';
import type { ConsumerLog } from './consumer-log';
import { PgInbox } from '@pushmfa/postgres';

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
  metrics?: MetricsService;
}

/**
 * Applies `pushmfa.challenge.v1` to the challenge view and, for an issue or a resend, hands one push per
 * target device to the scheduler. The view update, the pending-push rows and the inbox mark commit together;
 * the pushes are scheduled only after that, without being awaited: the partition moves on while they run,
 * and a worker that dies leaves their rows for another worker to take over.
 */
export function createChallengeDispatchConsumer(deps: ChallengeDispatchDeps): ContractConsumer {
  const inbox = new PgInbox(deps.pool, deps.schema);
  // ContractConsumer runs this in the consumer span, so the pushes carry the producer's trace.
  const handle = async (envelope: ContractEnvelope): Promise<void> => {
    let jobs: PushJob[] = [];
    const traceparent = currentTraceparent();
    await inbox.handleOnce(CHALLENGE_DISPATCH_GROUP, envelope.id, async (client) => {
      await applyChallengeEvent(client, deps.schema, envelope);
      // Approvals, receipts and the like only update the view: no need to read it back.
      if (!mayRequestPushes(envelope)) return;
      const challengeId = (envelope.data as { challengeId: string }).challengeId;
      const view = await deps.views.find(envelope.workspaceId, challengeId, client);
      jobs = planPushJobs(envelope, view, traceparent);
      if (view && jobs.length > 0) await deps.pending.insert(client, jobs, view.expiresAtMs);
    });
    if (jobs.length === 0) return;
    // Back-pressure only when far more pushes wait than can run; otherwise this returns at once.
    await deps.scheduler.waitForCapacity();
    for (const job of jobs) deps.dispatcher.dispatch(job);
  };
  return new ContractConsumer({
    kafka: deps.kafka,
    groupId: `${deps.topicPrefix}${CHALLENGE_DISPATCH_GROUP}`,
    topics: [topicName('challenge', deps.topicPrefix)],
    log: deps.log,
    metrics: deps.metrics,
    handledTypes: CHALLENGE_DISPATCH_EVENT_TYPES,
    handle,
  });
}
