import { randomInt, randomUUID } from 'node:crypto';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { ChallengeContext } from '@pushmfa/contracts';
import { ProblemException } from '@pushmfa/http';
import { ChallengeRuntime } from '../../challenge-runtime';
import { ChallengeCommands } from '../challenge-commands';
import { pushChallengeDecider } from '../push-challenge.decider';
import { admitIssue } from './issue-admission';
import { IdempotencyKeys } from './idempotency-keys';
import { EventLoopDelayGuard, IssuingCapacity, type IssuingRefusal } from './issuing-capacity';

export interface IssueRequest {
  workspaceId: string;
  userId: string;
  context?: ChallengeContext;
  idempotencyKey?: string;
}

export interface IssuedAnswer {
  challengeId: string;
  status: 'pending';
  expiresAt: string;
  numberMatch?: string;
}

/**
 * Issues a challenge in one transaction: the idempotency key, the per-user lock and limits, the append of
 * ChallengeIssued and the read models commit together, or nothing does. Every read goes through the transaction's
 * connection: requests waiting on the per-user lock must not starve the lock holder of pool connections.
 */
@Injectable()
export class ChallengeIssuer implements OnModuleDestroy {
  private readonly capacity: IssuingCapacity;
  private readonly loopDelay?: EventLoopDelayGuard;

  constructor(
    private readonly runtime: ChallengeRuntime,
    private readonly commands: ChallengeCommands,
  ) {
    const { maxIssuing, admissionQueueTargetMs, admissionQueueIntervalMs, admissionLoopDelayMs = 0 } = runtime.config;
    const loopDelay = admissionLoopDelayMs > 0 ? new EventLoopDelayGuard(admissionLoopDelayMs) : undefined;
    this.loopDelay = loopDelay;
    this.capacity = new IssuingCapacity({
      limit: maxIssuing,
      queueTargetMs: admissionQueueTargetMs,
      queueIntervalMs: admissionQueueIntervalMs,
      overloaded: loopDelay ? () => loopDelay.overloaded : undefined,
    });
  }

  onModuleDestroy(): void {
    this.loopDelay?.stop();
  }

  issue(request: IssueRequest): Promise<IssuedAnswer> {
    return this.capacity.run(request.workspaceId, () => this.issueNow(request), refuse);
  }

  private issueNow(request: IssueRequest): Promise<IssuedAnswer> {
    const { workspaceId, userId, idempotencyKey } = request;
    const context = request.context ?? {};
    return this.runtime.store.withTransaction(async (tx) => {
      if (idempotencyKey !== undefined) {
        const claim = await this.runtime.idempotencyKeys.claim<IssuedAnswer>(
          tx.client,
          workspaceId,
          idempotencyKey,
          IdempotencyKeys.hashBody({ userId, context }),
        );
        if (claim.kind === 'replay') return claim.answer;
        if (claim.kind === 'conflict') throw new ProblemException('idempotency_conflict', 'this Idempotency-Key was used with another request body');
      }
      const now = new Date();
      const { settings, refusal, devices } = await admitIssue(tx.client, this.runtime.schema, { workspaceId, userId, now });
      // A workspace whose events have not arrived yet has the defaults: push disabled.
      if (!settings?.pushEnabled) throw new ProblemException('push_disabled', 'an admin must enable push for this workspace');
      if (refusal?.code === 'push_locked')
        throw new ProblemException('push_locked', 'push is locked for this user after a fraud report', { retryAfterSeconds: refusal.retryAfterSeconds });
      if (refusal?.code === 'rate_limited')
        throw new ProblemException('rate_limited', 'too many challenges for this user; try again later', { retryAfterSeconds: refusal.retryAfterSeconds });
      if (devices.length === 0) throw new ProblemException('no_active_device', 'the user has no active device: fall back to password sign-in');

      const challengeId = randomUUID();
      const expiresAt = new Date(now.getTime() + settings.challengeTtlSeconds * 1000).toISOString();
      const numberMatch =
        settings.numberMatching === 'always'
          ? String(randomInt(0, 10 ** settings.numberMatchingDigits)).padStart(settings.numberMatchingDigits, '0')
          : undefined;
      const issued = { challengeId, workspaceId, userId, createdAt: now.toISOString(), expiresAt, context, devices, ...(numberMatch ? { numberMatch } : {}) };
      const events = pushChallengeDecider.decide({ type: 'IssueChallenge', issued }, pushChallengeDecider.initialState());
      await this.commands.append(tx, challengeId, workspaceId, events, 'no_stream');
      const answer: IssuedAnswer = { challengeId, status: 'pending', expiresAt, ...(numberMatch ? { numberMatch } : {}) };
      if (idempotencyKey !== undefined) await this.runtime.idempotencyKeys.record(tx.client, workspaceId, idempotencyKey, answer);
      return answer;
    }, 'issue challenge');
  }
}

const REFUSAL_DETAIL: Record<IssuingRefusal['reason'], string> = {
  overloaded: 'the service is behind on the challenges it already issued',
  fair_share: 'this workspace has its fair share of the challenges being issued in flight',
  queue_timeout: 'no place to issue it came free in time',
};

function refuse(refusal: IssuingRefusal): never {
  throw new ProblemException('unavailable', `too many challenges right now (${REFUSAL_DETAIL[refusal.reason]}); nothing was written, try again shortly`, {
    retryAfterMs: refusal.retryAfterMs,
  });
}
