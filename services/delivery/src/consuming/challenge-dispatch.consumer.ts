import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { type ContractEnvelope, type EventType, topicName } from '@pushmfa/contracts';
import { type ConsumedBatchItem, ContractConsumer } from '@pushmfa/messaging';
import type { MetricsService } from '@pushmfa/observability';
import { applyChallengeEvents, lockViewsStatement } from '../challenges/challenge-view.projection';
import type { ChallengeRow } from '../challenges/challenge-views';
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
  scheduler: PushScheduler;
  dispatcher: PushDispatcher;
  pending: PendingPushes;
  log: ConsumerLog;
  metrics?: MetricsService;
}

/**
 * Applies `pushmfa.challenge.v1` to the challenge view a fetched batch at a time and, for an issue or a resend,
 * hands one push per target device to the scheduler. The view updates, the pending-push rows (one per push, each
 * with its own lease) and the inbox marks of the batch commit together, in two messages: BEGIN, the row locks and the
 * inbox record; the new views, the updates, the pending pushes and COMMIT; the pushes are scheduled only after that, without being awaited: the partition moves on while they run,
 * and a worker that dies leaves their rows for another worker to take over.
 */
export function createChallengeDispatchConsumer(deps: ChallengeDispatchDeps): ContractConsumer {
  const inbox = new PgInbox(deps.pool, deps.schema);
  const handleBatch = async (items: readonly ConsumedBatchItem[]): Promise<void> => {
    let jobs: PushJob[] = [];
    await inbox.handleBatchOnce(
      CHALLENGE_DISPATCH_GROUP,
      items,
      (item) => item.envelope.id,
      async (client, fresh, prelude, deferred) => {
        const lockedRows = (prelude[0]?.rows ?? []) as ChallengeRow[];
        const views = await applyChallengeEvents(
          client,
          deps.schema,
          fresh.map((item) => item.envelope),
          { lockedRows, deferred },
        );
        // Each issue or resend is planned from the view right after it, and its pushes carry its record's trace.
        const planned: Array<{ job: PushJob; expiresAtMs: number }> = [];
        fresh.forEach((item, i) => {
          const view = views[i] ?? null;
          if (!view || !mayRequestPushes(item.envelope)) return;
          for (const job of planPushJobs(item.envelope, view, item.traceparent)) planned.push({ job, expiresAtMs: view.expiresAtMs });
        });
        await deps.pending.insertMany(deferred, planned);
        jobs = planned.map((push) => push.job);
      },
      // The batch's view rows are locked in the transaction's first message, with BEGIN and the inbox record.
      {
        prelude: (client) => {
          const lock = lockViewsStatement(
            client,
            deps.schema,
            items.map((item) => item.envelope),
          );
          return lock ? [lock] : [];
        },
      },
    );
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
    handleBatch,
    // A batch leases its pushes to this worker: no more at once than the scheduler lets wait, so a worker never takes
    // far more pushes than it can run while another worker idles (the lease stays per push, and so does the scaling).
    maxBatchSize: deps.scheduler.capacity,
  });
}
