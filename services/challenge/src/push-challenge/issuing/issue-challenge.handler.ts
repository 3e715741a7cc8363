import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { type ChallengeContext, DEFAULT_PASSWORDLESS_MAX_PER_USER_PER_10_MIN, DEFAULT_SETTINGS, resolvedFactor } from '@pushmfa/contracts';
import { DomainError, type EventMetadata, PostgresEventStore } from '@pushmfa/event-store';
import { currentTraceparent } from '@pushmfa/messaging';
import { currentCorrelationId, MetricsService } from '@pushmfa/observability';
import { CHALLENGE_CONFIG, CHALLENGE_SCHEMA } from '../../challenge.di-tokens';
import type { ChallengeConfig } from '../../config';
import { ChallengeProjection } from '../../read-models/challenge-projection';
import { ChallengeCommands } from '../challenge-commands';
import { pushChallengeDecider } from '../push-challenge.decider';
import { type ChallengeFactor, challengeStreamId, type PushChallengeEvent } from '../push-challenge.events';
import { admitIssues, afterPush, type IssueAdmission } from './issue-admission';
import { type BatchOutcome, GROUP_COMMIT_LIMITS, GroupCommit, isStoreUnavailable } from '../group-commit';
import { groupCommitBatchRecorder } from '../group-commit.metric';
import { IdempotencyKeys } from './idempotency-keys';
import { decideNumberMatching } from './number-matching';
import { supersededBy } from './pending-limit';
import { EventLoopDelayGuard, IssuingCapacity, type IssuingRefusal } from './issuing-capacity';

export interface IssueRequest {
  workspaceId: string;
  userId: string;
  context?: ChallengeContext;
  idempotencyKey?: string;
  /** The factor push stands for: `second` (the default) after a password, `first` for passwordless push. */
  factor?: ChallengeFactor;
}

export interface IssuedAnswer {
  challengeId: string;
  status: 'pending';
  expiresAt: string;
  numberMatch?: string;
}

/** A request as the group commit holds it: with the trace and correlation of the HTTP request it came from. */
interface QueuedIssue extends IssueRequest {
  correlationId?: string;
  traceparent?: string;
}

/**
 * Issues challenges with group commit (group-commit.ts): the requests that arrive together share one
 * transaction, each decided on its own. In it: each request's idempotency key is claimed, every user of the batch is
 * locked (the per-user lock that resends and responses take too) and their limits, push lock, settings and devices
 * are read in one round trip, each request is decided (a second request of the same user counts the first one's
 * push), then every ChallengeIssued is appended in one statement and the read models are written in another, the
 * user's pending challenges beyond `maxPendingPerUser` are cancelled as superseded (oldest first, still under the
 * user's lock), and everything commits together or nothing does. A refused request writes nothing (its idempotency claim is removed
 * again). Every read goes through the transaction's connection: requests waiting on a user's lock must not starve
 * the lock holder of pool connections.
 */
@Injectable()
export class IssueChallengeHandler implements OnModuleDestroy {
  private readonly capacity: IssuingCapacity;
  private readonly loopDelay?: EventLoopDelayGuard;
  private readonly groupCommit: GroupCommit<QueuedIssue, IssuedAnswer>;

  constructor(
    @Inject(CHALLENGE_CONFIG) config: ChallengeConfig,
    private readonly store: PostgresEventStore,
    private readonly idempotencyKeys: IdempotencyKeys,
    private readonly projection: ChallengeProjection,
    private readonly commands: ChallengeCommands,
    metrics: MetricsService,
  ) {
    const { maxIssuing, admissionQueueTargetMs, admissionQueueIntervalMs, admissionLoopDelayMs = 0 } = config;
    const loopDelay = admissionLoopDelayMs > 0 ? new EventLoopDelayGuard(admissionLoopDelayMs) : undefined;
    this.loopDelay = loopDelay;
    this.capacity = new IssuingCapacity({
      limit: maxIssuing,
      queueTargetMs: admissionQueueTargetMs,
      queueIntervalMs: admissionQueueIntervalMs,
      overloaded: loopDelay ? () => loopDelay.overloaded : undefined,
    });
    this.groupCommit = new GroupCommit((batch) => this.writeBatch(batch), {
      ...GROUP_COMMIT_LIMITS,
      conflictKey: (request) => (request.idempotencyKey === undefined ? undefined : `${request.workspaceId}\n${request.idempotencyKey}`),
      isStoreFailure: isStoreUnavailable,
      observeBatch: groupCommitBatchRecorder(metrics, 'issue'),
    });
  }

  onModuleDestroy(): void {
    this.loopDelay?.stop();
  }

  execute(request: IssueRequest): Promise<IssuedAnswer> {
    return this.capacity.run(
      request.workspaceId,
      () => this.groupCommit.submit({ ...request, correlationId: currentCorrelationId(), traceparent: currentTraceparent() }),
      refuse,
    );
  }

  /**
   * Before authentication (IssuingOverloadGuard): throws the refusal `execute` would answer at once while the service
   * is overloaded and `workspaceId` already has an issue in flight, so that such a request is answered without the
   * authentication's round trips.
   */
  refuseEarlyWhenOverloaded(workspaceId: string): void {
    const refusal = this.capacity.refusalWhileOverloaded(workspaceId);
    if (refusal) refuse(refusal);
  }

  private async writeBatch(batch: readonly QueuedIssue[]): Promise<Array<BatchOutcome<IssuedAnswer>>> {
    const { store, idempotencyKeys, projection } = this;
    let touched = new Map<string, PushChallengeEvent[]>();
    const outcomes = await store.withTransaction(async (tx) => {
      const outcomes: Array<BatchOutcome<IssuedAnswer> | undefined> = batch.map(() => undefined);
      const claimed = new Set<number>();
      // Claims in one order shared by every batch, so two batches never wait on each other's keys in a cycle.
      const keyed = batch.flatMap((request, index) => (request.idempotencyKey === undefined ? [] : [{ request, index }]));
      keyed.sort((a, b) => compare(`${a.request.workspaceId}\n${a.request.idempotencyKey}`, `${b.request.workspaceId}\n${b.request.idempotencyKey}`));
      for (const { request, index } of keyed) {
        const claim = await idempotencyKeys.claim<IssuedAnswer>(
          tx.client,
          request.workspaceId,
          request.idempotencyKey!,
          IdempotencyKeys.hashBody({ userId: request.userId, context: request.context ?? {}, ...(request.factor === 'first' ? { factor: 'first' } : {}) }),
        );
        if (claim.kind === 'replay') outcomes[index] = { answer: claim.answer };
        else if (claim.kind === 'conflict')
          outcomes[index] = { error: new DomainError('idempotency_conflict', 'this Idempotency-Key was used with another request body') };
        else claimed.add(index);
      }

      const now = new Date();
      const open = batch.flatMap((request, index) => (outcomes[index] ? [] : [{ request, index }]));
      const admissions = await admitIssues(
        tx.client,
        CHALLENGE_SCHEMA,
        open.map(({ request }) => ({ workspaceId: request.workspaceId, userId: request.userId, now, context: request.context })),
      );
      const latest = new Map<string, IssueAdmission>();
      const issued: Array<{ index: number; request: QueuedIssue; data: IssuedData; answer: IssuedAnswer; admission: IssueAdmission }> = [];
      open.forEach(({ request, index }, position) => {
        const userKey = `${request.workspaceId}/${request.userId}`;
        const admission = latest.get(userKey) ?? admissions[position]!;
        const decided = decideIssue(request, admission, now);
        if ('error' in decided) {
          outcomes[index] = decided;
          return;
        }
        latest.set(userKey, afterPush(admission, now));
        issued.push({ index, request, ...decided, admission });
        outcomes[index] = { answer: decided.answer };
      });
      // A request refused over the user's limit is a risk signal for the user's next 24 hours (the `risk` style).
      await projection.markRisk(
        tx.client,
        open.filter(({ index }) => (outcomes[index] as { error?: DomainError } | undefined)?.error?.code === 'rate_limited').map(({ request }) => request),
        'rate_limit',
        now,
      );

      touched = new Map();
      if (issued.length > 0) {
        // One pending request at a time: what each new challenge supersedes, among the user's pending ones and the batch's.
        const superseded = supersededBy(
          issued.map(({ request, data, admission }) => ({
            userKey: `${request.workspaceId}/${request.userId}`,
            challengeId: data.challengeId,
            limit: admission.settings?.maxPendingPerUser ?? DEFAULT_SETTINGS.maxPendingPerUser,
            pendingBefore: admission.pending,
          })),
        );
        const supersededInBatch = new Map(superseded.filter((s) => s.issuedInBatch).map((s) => [s.challengeId, s.supersededBy]));
        const decided = issued.map(({ request, data }) => ({ request, data, events: issueEvents(data, supersededInBatch.get(data.challengeId), now) }));
        // The new streams, their read-model rows and COMMIT go in one message (a stream that exists fails it all).
        tx.appendToNewStreamsAtCommit(
          decided.map(({ request, data, events }) => ({
            streamId: challengeStreamId(data.challengeId),
            events: events.map((event) => ({ id: randomUUID(), type: event.type, data: event.data, metadata: metadataOf(request, now) })),
          })),
        );
        // The read-model rows only write: they travel with the COMMIT too (tx.deferred), in this order.
        await projection.applyIssued(
          tx.deferred,
          issued.map(({ data }) => data),
        );
        for (const { request, data, events } of decided) {
          if (events.length > 1) await projection.apply(tx.deferred, request.workspaceId, events.slice(1));
        }
        const requestOf = new Map(issued.map(({ request, data }) => [data.challengeId, request]));
        touched = await this.commands.supersede(
          tx,
          superseded
            .filter((s) => !s.issuedInBatch)
            .map(({ challengeId, supersededBy: newer }) => ({ challengeId, supersededBy: newer, metadata: metadataOf(requestOf.get(newer)!, now) })),
          now,
        );
      }
      for (const { index, request, answer } of issued) {
        if (claimed.has(index)) await idempotencyKeys.record(tx.deferred, request.workspaceId, request.idempotencyKey!, answer);
      }
      // A refused request writes nothing: its claim goes, so a retry with the same key is decided anew.
      for (const index of claimed) {
        const outcome = outcomes[index];
        if (outcome && 'error' in outcome) await idempotencyKeys.release(tx.deferred, batch[index]!.workspaceId, batch[index]!.idempotencyKey!);
      }
      return outcomes.map((outcome) => outcome ?? { error: new Error('issue: a request was left undecided') });
    }, 'issue challenges');
    // A platform long-polling a superseded challenge hears it was cancelled.
    for (const [challengeId, events] of touched) await this.commands.wakeWaiters(challengeId, events);
    return outcomes;
  }
}

type IssuedData = Extract<PushChallengeEvent, { type: 'ChallengeIssued' }>['data'];

/** A new stream's events: its ChallengeIssued and, when a later challenge of the same batch supersedes it, its cancellation. */
function issueEvents(data: IssuedData, supersededByChallenge: string | undefined, now: Date): PushChallengeEvent[] {
  const issued = pushChallengeDecider.decide({ type: 'IssueChallenge', issued: data }, pushChallengeDecider.initialState());
  if (supersededByChallenge === undefined) return issued;
  const state = issued.reduce(pushChallengeDecider.evolve, pushChallengeDecider.initialState());
  return [...issued, ...pushChallengeDecider.decide({ type: 'CancelChallenge', now, reason: 'superseded', supersededBy: supersededByChallenge }, state)];
}

/** One request against its user's admission: the challenge to issue, or the refusal it is answered with. */
function decideIssue(request: QueuedIssue, admission: IssueAdmission, now: Date): { data: IssuedData; answer: IssuedAnswer } | { error: DomainError } {
  const { settings, refusal, devices, pool } = admission;
  const factor = request.factor ?? 'second';
  // A workspace whose events have not arrived yet has the defaults: push disabled.
  if (!settings?.pushEnabled) return { error: new DomainError('push_disabled', 'an admin must enable push for this workspace') };
  const factorPolicy = factor === 'first' ? pool.policy.firstFactor : pool.policy.secondFactor;
  if (!factorPolicy.methods.includes('push')) {
    return { error: new DomainError('method_not_allowed', `push is not a ${factor}-factor method of the user's pool (${pool.poolId})`) };
  }
  if (refusal?.code === 'push_locked')
    return {
      error: new DomainError('push_locked', 'push is locked for this user after a fraud report', { retryAfterSeconds: refusal.retryAfterSeconds }),
    };
  if (refusal?.code === 'rate_limited')
    return {
      error: new DomainError('rate_limited', 'too many challenges for this user; try again later', { retryAfterSeconds: refusal.retryAfterSeconds }),
    };
  // Passwordless push signs a user in on its own: a tighter budget than the workspace's (the pushes of the window count).
  const passwordlessLimit = pool.policy.passwordlessMaxPerUserPer10Min ?? DEFAULT_PASSWORDLESS_MAX_PER_USER_PER_10_MIN;
  if (factor === 'first' && admission.history && Number(admission.history.pushed) >= passwordlessLimit && admission.history.oldest) {
    const retryAfterSeconds = Math.max(1, Math.ceil((admission.history.oldest.getTime() + 10 * 60_000 - now.getTime()) / 1000));
    return { error: new DomainError('rate_limited', 'too many passwordless pushes for this user; try again later', { retryAfterSeconds }) };
  }
  if (devices.length === 0) return { error: new DomainError('no_active_device', 'the user has no active device: fall back to password sign-in') };
  const challengeId = randomUUID();
  const expiresAt = new Date(now.getTime() + settings.challengeTtlSeconds * 1000).toISOString();
  // Number matching as the pool says, else as the workspace says; passwordless push always matches a number.
  const { numberMatch, ...matching } = decideNumberMatching({
    style: pool.policy.numberMatching ?? settings.numberMatching,
    factor,
    digits: settings.numberMatchingDigits,
    context: request.context ?? {},
    risk: admission.risk,
    now,
  });
  const secondFactor = factor === 'first' ? { secondFactor: resolvedFactor(pool.policy.secondFactor) } : {};
  const data: IssuedData = {
    challengeId,
    workspaceId: request.workspaceId,
    userId: request.userId,
    createdAt: now.toISOString(),
    expiresAt,
    context: request.context ?? {},
    devices,
    ...(numberMatch ? { numberMatch } : {}),
    poolId: pool.poolId,
    factor,
    ...secondFactor,
    ...matching,
  };
  return { data, answer: { challengeId, status: 'pending', expiresAt, ...(numberMatch ? { numberMatch } : {}) } };
}

function metadataOf(request: QueuedIssue, now: Date): EventMetadata {
  return {
    workspaceId: request.workspaceId,
    correlationId: request.correlationId,
    traceparent: request.traceparent,
    occurredAt: now.toISOString(),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const REFUSAL_DETAIL: Record<IssuingRefusal['reason'], string> = {
  overloaded: 'the service is behind on the challenges it already issued',
  fair_share: 'this workspace has its fair share of the challenges being issued in flight',
  queue_timeout: 'no place to issue it came free in time',
};

/** Load shedding: `unavailable` with the finer retry hint (the controller answers it as this refusal, see unavailable-refusal.ts). */
function refuse(refusal: IssuingRefusal): never {
  throw new DomainError('unavailable', `too many challenges right now (${REFUSAL_DETAIL[refusal.reason]}); nothing was written, try again shortly`, {
    retryAfterMs: refusal.retryAfterMs,
  });
}
