import { Injectable } from '@nestjs/common';
import { DeciderCommandHandler } from '@pushmfa/event-store';
import { ProblemException } from '@pushmfa/http';
import { currentTraceparent } from '@pushmfa/messaging';
import { currentCorrelationId } from '@pushmfa/observability';
import { ChallengeRuntime } from '../challenge-runtime';
import { type PushChallengeCommand, pushChallengeDecider, type PushChallengeState } from './push-challenge.decider';
import { challengeStreamId, type PushChallengeEvent } from './push-challenge.events';

export type IssuedChallenge = Exclude<PushChallengeState, { status: 'absent' }>;

/** Runs challenge commands and wakes long-polls when a challenge leaves pending. */
@Injectable()
export class ChallengeCommands {
  private readonly handler: DeciderCommandHandler<PushChallengeState, PushChallengeCommand, PushChallengeEvent>;

  constructor(private readonly runtime: ChallengeRuntime) {
    this.handler = new DeciderCommandHandler(runtime.store, pushChallengeDecider);
  }

  /** A challenge of the given workspace; another workspace's reads as absent (404). */
  async load(challengeId: string, workspaceId: string): Promise<IssuedChallenge> {
    if (!/^[0-9a-f-]{36}$/.test(challengeId)) throw new ProblemException('not_found', 'no such challenge');
    const { state } = await this.handler.load(challengeStreamId(challengeId));
    if (state.status === 'absent' || state.workspaceId !== workspaceId) throw new ProblemException('not_found', 'no such challenge');
    return state;
  }

  async execute(challengeId: string, workspaceId: string, command: PushChallengeCommand) {
    const result = await this.handler.handle(challengeStreamId(challengeId), command, {
      workspaceId,
      correlationId: currentCorrelationId(),
      traceparent: currentTraceparent(),
      occurredAt: new Date().toISOString(),
    });
    if (result.newEvents.some((e) => e.type !== 'ChallengeIssued')) {
      // The decision is stored; a lost wake-up only makes long-polls answer at their deadline.
      await this.runtime.notifier.notify(challengeId).catch(() => undefined);
    }
    return result;
  }
}
