import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import {
  DeciderCommandHandler,
  DomainError,
  type EventMetadata,
  type ExpectedRevision,
  type InlineProjection,
  type LoadedStream,
  PostgresEventStore,
  type PostgresEventStoreTransaction,
  type RecordedEvent,
} from '@pushmfa/event-store';
import { currentTraceparent } from '@pushmfa/messaging';
import { currentCorrelationId } from '@pushmfa/observability';
import { CHALLENGE_SCHEMA } from '../challenge.di-tokens';
import { ChallengeProjection } from '../read-models/challenge-projection';
import { ChallengeStatusNotifier } from '../status-notifications/challenge-status-notifier';
import type { BatchOutcome } from './group-commit';
import {
  admitIssue,
  admitIssues,
  afterPush,
  type GuardAdmission,
  guardAdmissionOf,
  guardStatements,
  type IssueAdmission,
  lockGranted,
  triedGuardStatementsFor,
} from './issuing/issue-admission';
import { type PushChallengeCommand, pushChallengeDecider, type PushChallengeState } from './push-challenge.decider';
import { challengeStreamId, LOCKING_EVENT_TYPES, type PushChallengeEvent, pushChallengeEvents, RESOLVING_EVENT_TYPES } from './push-challenge.events';

export type IssuedChallenge = Exclude<PushChallengeState, { status: 'absent' }>;

export interface LoadedChallenge {
  state: IssuedChallenge;
  /** Revision of the stream's last event, which an append after this read expects. */
  revision: bigint;
}

export interface CommandResult {
  state: PushChallengeState;
  newEvents: PushChallengeEvent[];
}

export interface UserCommandResult extends CommandResult {
  /** The user's other pending challenges this command cancelled because it locked push. */
  cancelled: string[];
}

/** A command about a challenge of `user` that pushes nothing (a response), as `executeUnderUserGuard` takes it. */
export interface UserGuardCommand {
  challengeId: string;
  user: { workspaceId: string; userId: string };
  command: (admission: GuardAdmission, now: Date) => PushChallengeCommand;
  /** What its events carry: taken where the request came in (its correlation and trace), not where it is written. */
  metadata: EventMetadata;
}

/**
 * A command about one challenge that takes no user lock (a receipt, a cancellation), as `executeMany` takes it: it is
 * decided on the challenge's stream alone. `owner`: who may act on it; a challenge of another workspace (or, when
 * given, another user) is `not_found`, as one that does not exist.
 */
export interface ChallengeCommand {
  challengeId: string;
  owner: { workspaceId: string; userId?: string };
  command: (now: Date) => PushChallengeCommand;
  /** What its events carry: taken where the request came in (its correlation and trace), not where it is written. */
  metadata: EventMetadata;
}

/**
 * A command of a challenge's user that pushes (a resend), as `executeManyForUser` takes it: decided under the user's
 * lock on the user's push budget and push lock (the admission an issue reads). A challenge of another workspace is
 * `not_found`, as one that does not exist.
 */
export interface UserPushCommand {
  challengeId: string;
  workspaceId: string;
  command: (admission: IssueAdmission, now: Date) => PushChallengeCommand;
  /** What its events carry: taken where the request came in (its correlation and trace), not where it is written. */
  metadata: EventMetadata;
}

type DecidedForUser = UserCommandResult & { touched: Map<string, PushChallengeEvent[]> };

/**
 * Runs challenge commands through the event store's command handler: decide on the stream read, append with the
 * revision read, and update the read models (the challenge list) in the same transaction as an inline projection; a
 * concurrent writer makes the append fail and the command is decided again on fresh state (the handler's retry policy).
 * Wakes long-polls when a challenge leaves pending.
 */
@Injectable()
export class ChallengeCommands {
  private readonly handler: DeciderCommandHandler<PushChallengeState, PushChallengeCommand, PushChallengeEvent>;

  constructor(
    private readonly store: PostgresEventStore,
    private readonly projection: ChallengeProjection,
    private readonly notifier: ChallengeStatusNotifier,
  ) {
    // A decision under the user's lock appends with its COMMIT (nothing here waits on positions): a response is the
    // lock-and-read message and the append-and-commit message, two round trips.
    this.handler = new DeciderCommandHandler(store, pushChallengeDecider, {
      events: pushChallengeEvents,
      projections: readModelsOf(projection),
      appendAtCommit: true,
    });
  }

  /** A challenge of the given workspace; another workspace's reads as absent (404). */
  async load(challengeId: string, workspaceId: string): Promise<IssuedChallenge> {
    return (await this.read(challengeId, workspaceId)).state;
  }

  /** As `load`, with the revision read, so a command can be decided on it without reading the stream again. */
  async read(challengeId: string, workspaceId: string): Promise<LoadedChallenge> {
    assertChallengeId(challengeId);
    const { state, revision } = await this.handler.load(challengeStreamId(challengeId));
    if (state.status === 'absent' || state.workspaceId !== workspaceId) throw new DomainError('not_found', 'no such challenge');
    return { state, revision };
  }

  /**
   * A command about the challenge's user (a response, a resend): in one transaction it takes the user's lock (the
   * one issuing takes), reads the user's push lock, wrong-number streak and push budget, decides, appends and, when
   * the decision locks push, cancels the user's other pending challenges. So a lock and an approval, a resend or an
   * issue of the same user are decided one after the other and never both on the state before the other: no
   * approval slips past a lock committed a moment before, and the push budget is never overrun.
   * `command`: builds the command from what the transaction read (it may read more with `client`, under the user's
   * lock: the offline codes of the user's devices). A domain refusal rolls back and is answered
   * with its code (and Retry-After where it has one). A conflict runs the whole transaction again (the handler's
   * retry policy).
   */
  async executeForUser(
    read: LoadedChallenge,
    workspaceId: string,
    command: (admission: IssueAdmission, now: Date, client: PoolClient) => PushChallengeCommand | Promise<PushChallengeCommand>,
  ): Promise<UserCommandResult> {
    const { challengeId, userId } = read.state;
    const streamId = challengeStreamId(challengeId);
    const open = async (tx: PostgresEventStoreTransaction, now: Date, attempt: number) => ({
      admission: await admitIssue(tx.client, CHALLENGE_SCHEMA, { workspaceId, userId, now }),
      current: attempt === 1 ? read : await this.handler.loadIn(tx, streamId),
    });
    const outcome = await this.decidedForUser(challengeId, { workspaceId, userId }, open, command).catch(async (error: unknown) => {
      // A resend refused over the user's push budget is a risk signal for the user's next 24 hours (the `risk`
      // style), as a refused issue is; recorded after the refusal rolled back.
      if (error instanceof DomainError && error.code === 'rate_limited')
        await this.store.withTransaction((tx) => this.projection.markRisk(tx.client, [{ workspaceId, userId }], 'rate_limit', new Date()), 'risk mark');
      throw error;
    });
    return this.settled(challengeId, outcome);
  }

  /**
   * `executeForUser` for commands that arrived together (group commit of resends): one message begins the transaction
   * and reads every challenge's stream (which names its user); a second takes every user's lock (in the one order every
   * issue batch takes them, so two batches never wait on each other in a cycle) and reads each user's admission; each
   * command is decided on its own, on its user's admission after the pushes the batch decided before it (two resends
   * of one user never both pass a budget that holds one more); every append, projection and risk mark (a resend refused
   * over the push budget) goes with the one COMMIT: three round trips for the batch, whatever its size. A refusal is its
   * own command's alone and appends nothing. Each append names the revision read, so should another writer have
   * appended first (a response, the expiry timer), nothing of the transaction is kept and it throws: the caller writes
   * each command again alone (`executeOneForUser`). Nothing here retries.
   */
  async executeManyForUser(commands: readonly UserPushCommand[]): Promise<Array<{ answer: UserCommandResult } | { error: unknown }>> {
    const decided = await this.store.withTransaction(async (tx) => {
      const now = new Date();
      const { events } = await tx.readStreamsAfter(
        [],
        commands.map(({ challengeId }) => challengeStreamId(challengeId)),
      );
      // Each challenge as read, or its own `not_found` (absent, or another workspace's).
      const read = commands.map(({ workspaceId }, index): LoadedStream<PushChallengeState> | DomainError => {
        try {
          return this.challengeOwnedBy(events[index]!, { workspaceId });
        } catch (error) {
          if (error instanceof DomainError) return error;
          throw error;
        }
      });
      const owned = read.flatMap((current, index) => (current instanceof DomainError ? [] : [{ index, user: userOf(current) }]));
      const admitted = await admitIssues(
        tx.client,
        CHALLENGE_SCHEMA,
        owned.map(({ user }) => ({ ...user, now })),
      );
      const admissionAt = new Map(owned.map(({ index }, position) => [index, admitted[position]!]));
      const latest = new Map<string, IssueAdmission>();
      const outcomes = await decidedOneByOne(commands, async ({ challengeId, command, metadata }, index) => {
        const current = read[index]!;
        if (current instanceof DomainError) throw current;
        const user = userOf(current);
        const userKey = `${user.workspaceId}/${user.userId}`;
        const admission = latest.get(userKey) ?? admissionAt.get(index)!;
        const decided = await this.decideUnderLock(tx, challengeId, user, now, { admission, current }, command, metadata);
        if (decided.newEvents.length > 0) latest.set(userKey, afterPush(admission, now));
        return { decided };
      });
      // A resend refused over the user's push budget is a risk signal for the user's next 24 hours, as in executeForUser.
      const overBudget = outcomes.flatMap((outcome, index) => {
        const current = read[index]!;
        return 'error' in outcome && (outcome.error as DomainError).code === 'rate_limited' && !(current instanceof DomainError) ? [userOf(current)] : [];
      });
      await this.projection.markRisk(tx.deferred, overBudget, 'rate_limit', now);
      return outcomes;
    }, 'challenge commands');
    return Promise.all(
      decided.map(async (outcome, index) => ('error' in outcome ? outcome : { answer: await this.settled(commands[index]!.challengeId, outcome.decided) })),
    );
  }

  /** `executeManyForUser` for one command, decided again on a fresh read should another writer append first (the handler's retry policy). */
  executeOneForUser(command: UserPushCommand): Promise<UserCommandResult> {
    return this.writtenAlone(command.challengeId, () => this.executeManyForUser([command]));
  }

  /**
   * `executeForUser` for a command of `user` that pushes nothing (a response): one message takes the user's lock,
   * reads only what such a command decides on (the workspace's settings, the user's push lock and wrong-number streak:
   * guardStatements) and reads the challenge's stream under the lock. A challenge of another user or workspace is
   * `not_found`, as one that does not exist.
   */
  async executeUnderUserGuard({ challengeId, user, command, metadata }: UserGuardCommand): Promise<UserCommandResult> {
    assertChallengeId(challengeId);
    const open = async (tx: PostgresEventStoreTransaction, now: Date) => {
      const { results, events } = await tx.readStreamAfter(guardStatements(tx.client, CHALLENGE_SCHEMA, { ...user, now }), challengeStreamId(challengeId));
      return { admission: guardAdmissionOf(results[1]), current: this.challengeOwnedBy(events, user) };
    };
    return this.settled(challengeId, await this.decidedForUser(challengeId, user, open, command, metadata));
  }

  /**
   * `executeUnderUserGuard` for commands of distinct users that arrived together (group commit of responses): one
   * message begins the transaction, tries every user's lock without waiting (`triedGuardStatementsFor`) and reads each
   * user's guard and each challenge's stream under the locks granted; each command whose lock was granted is decided
   * on its own, and every append and projection goes with the one COMMIT: two round trips for the batch, whatever its
   * size. A command refused (`not_found`, or the decider's refusal) is answered with its error alone and appends
   * nothing. A command whose user's lock another transaction holds (an issue, a resend) is left out of the batch and
   * runs alone once it committed (`executeUnderUserGuard`, waiting for the lock as it would have without the batch;
   * answered `later`), so one busy user never holds up the others' answers. Nothing here retries: should the
   * transaction fail (another writer, such as the expiry timer, appended to one of the challenges first), nothing of
   * it is kept and the caller writes each command again alone.
   */
  async executeManyUnderUserGuard(commands: readonly UserGuardCommand[]): Promise<Array<BatchOutcome<UserCommandResult>>> {
    // A malformed id reads no stream, so it is its own command's `not_found` (challengeOwnedBy), not the batch's failure.
    const decided = await this.store.withTransaction(async (tx) => {
      const now = new Date();
      const users = commands.map(({ user }) => user);
      const { statements, readsFrom } = triedGuardStatementsFor(tx.client, CHALLENGE_SCHEMA, users, now);
      const streamIds = commands.map(({ challengeId }) => challengeStreamId(challengeId));
      const { results, events } = await tx.readStreamsAfter(statements, streamIds);
      return decidedOneByOne(commands, async ({ challengeId, user, command, metadata }, index): Promise<{ decided: DecidedForUser } | 'contended'> => {
        if (!lockGranted(results[index])) return 'contended';
        const opened = { admission: guardAdmissionOf(results[readsFrom + index]), current: this.challengeOwnedBy(events[index]!, user) };
        return { decided: await this.decideUnderLock(tx, challengeId, user, now, opened, command, metadata) };
      });
    }, 'challenge commands');
    // The long-polls of every decision are woken together (one Redis publish each, not one after the other).
    return Promise.all(
      decided.map(async (outcome, index): Promise<BatchOutcome<UserCommandResult>> => {
        const command = commands[index]!;
        if (outcome === 'contended') {
          const later = this.executeUnderUserGuard(command);
          later.catch(() => undefined); // answered through the group commit, which may take it up after this settles
          return { later };
        }
        return 'error' in outcome ? outcome : { answer: await this.settled(command.challengeId, outcome.decided) };
      }),
    );
  }

  /**
   * Commands of distinct challenges that take no user lock (group commit of receipts, of cancellations): one message
   * begins the transaction and reads every challenge's stream, each command is decided on its own stream, and every
   * append (with its projection) goes with the one COMMIT: two round trips for the batch, whatever its size. A command
   * refused (`not_found`, or the decider's refusal) is answered with its error alone and appends nothing. Each append
   * names the revision read, so should another writer append to one of the challenges first (a response, the expiry
   * timer), nothing of the transaction is kept and it throws: the caller writes each command again alone, on a fresh
   * read. Nothing here retries.
   */
  async executeMany(commands: readonly ChallengeCommand[]): Promise<Array<{ answer: CommandResult } | { error: unknown }>> {
    const decided = await this.store.withTransaction(async (tx) => {
      const now = new Date();
      const { events } = await tx.readStreamsAfter(
        [],
        commands.map(({ challengeId }) => challengeStreamId(challengeId)),
      );
      return decidedOneByOne(commands, async ({ challengeId, owner, command, metadata }, index) => {
        const current = this.challengeOwnedBy(events[index]!, owner);
        const { state, newEvents } = await this.handler.handleIn(tx, challengeStreamId(challengeId), command(now), metadata, current);
        return { answer: { state, newEvents } };
      });
    }, 'challenge commands');
    await Promise.all(
      decided.map((outcome, index) =>
        'answer' in outcome ? this.wakeWaiters(commands[index]!.challengeId, outcome.answer.newEvents, outcome.answer.state) : undefined,
      ),
    );
    return decided;
  }

  /** `executeMany` for one command, decided again on a fresh read should another writer append first (the handler's retry policy). */
  executeOne(command: ChallengeCommand): Promise<CommandResult> {
    return this.writtenAlone(command.challengeId, () => this.executeMany([command]));
  }

  /** A batch of one command on `challengeId`, written again whole should another writer append first; its answer, or its refusal thrown. */
  private async writtenAlone<R>(challengeId: string, write: () => Promise<Array<{ answer: R } | { error: unknown }>>): Promise<R> {
    const [outcome] = await this.handler.retry(challengeStreamId(challengeId), write);
    if ('error' in outcome!) throw outcome.error;
    return outcome!.answer;
  }

  /** The challenge read from `events`, if it is of `owner`'s workspace (and user, when given); else `not_found`. */
  private challengeOwnedBy(events: RecordedEvent[], owner: { workspaceId: string; userId?: string }): LoadedStream<PushChallengeState> {
    const current = this.handler.fold(events);
    const { state } = current;
    if (state.status === 'absent' || state.workspaceId !== owner.workspaceId || (owner.userId !== undefined && state.userId !== owner.userId))
      throw new DomainError('not_found', 'no such challenge');
    return current;
  }

  /** Wakes the long-polls of every challenge the command touched; those of its own challenge get its state. */
  private async settled(challengeId: string, outcome: DecidedForUser): Promise<UserCommandResult> {
    for (const [id, events] of outcome.touched) await this.wakeWaiters(id, events, id === challengeId ? outcome.state : undefined);
    const { touched: _touched, ...result } = outcome;
    return result;
  }

  /**
   * The transaction of a user command: `open` takes the user's lock and reads the admission and the challenge (each
   * attempt; a conflict runs it all again), then the command is decided, appended, and cancels the user's other pending
   * challenges when it locks push.
   */
  private decidedForUser<A>(
    challengeId: string,
    user: { workspaceId: string; userId: string },
    open: (tx: PostgresEventStoreTransaction, now: Date, attempt: number) => Promise<{ admission: A; current: LoadedStream<PushChallengeState> }>,
    command: (admission: A, now: Date, client: PoolClient) => PushChallengeCommand | Promise<PushChallengeCommand>,
    metadata = metadataOf(user.workspaceId),
  ): Promise<DecidedForUser> {
    return this.handler.retry(challengeStreamId(challengeId), (attempt) =>
      this.store.withTransaction(async (tx) => {
        const now = new Date();
        return this.decideUnderLock(tx, challengeId, user, now, await open(tx, now, attempt), command, metadata);
      }, 'challenge command'),
    );
  }

  /**
   * Decides a user command on what was read under the user's lock, appends it (with COMMIT) and, when it locks push,
   * cancels the user's other pending challenges in the same transaction.
   */
  private async decideUnderLock<A>(
    tx: PostgresEventStoreTransaction,
    challengeId: string,
    { workspaceId, userId }: { workspaceId: string; userId: string },
    now: Date,
    { admission, current }: { admission: A; current: LoadedStream<PushChallengeState> },
    command: (admission: A, now: Date, client: PoolClient) => PushChallengeCommand | Promise<PushChallengeCommand>,
    metadata: EventMetadata,
  ): Promise<DecidedForUser> {
    const streamId = challengeStreamId(challengeId);
    const { state, newEvents } = await this.handler.handleIn(tx, streamId, await command(admission, now, tx.client), metadata, current);
    const touched = new Map<string, PushChallengeEvent[]>();
    if (newEvents.length === 0) return { state, newEvents, cancelled: [], touched };
    touched.set(challengeId, newEvents);
    const cancelled = newEvents.some((e) => LOCKING_EVENT_TYPES.has(e.type))
      ? await this.cancelPendingOf(tx, workspaceId, userId, challengeId, now, touched)
      : [];
    return { state, newEvents, cancelled, touched };
  }

  /** Cancels, in the locking transaction, every other challenge of the user still pending (reason `push_locked`). */
  private async cancelPendingOf(
    tx: PostgresEventStoreTransaction,
    workspaceId: string,
    userId: string,
    lockingChallengeId: string,
    now: Date,
    touched: Map<string, PushChallengeEvent[]>,
  ): Promise<string[]> {
    const { rows } = await tx.client.query<{ challenge_id: string }>(
      `select challenge_id from ${CHALLENGE_SCHEMA}.challenge_list where workspace_id = $1 and user_id = $2 and status = 'pending' and challenge_id <> $3 order by created_at`,
      [workspaceId, userId, lockingChallengeId],
    );
    const cancelled: string[] = [];
    for (const { challenge_id: id } of rows) {
      const streamId = challengeStreamId(id);
      const current = await this.handler.loadIn(tx, streamId);
      // Past its deadline it is expired, not cancelled: the expiry timer records that.
      if (current.state.status !== 'pending' || Date.parse(current.state.expiresAt) <= now.getTime()) continue;
      const { newEvents } = await this.handler.handleIn(
        tx,
        streamId,
        { type: 'CancelChallenge', now, reason: 'push_locked' },
        metadataOf(workspaceId),
        current,
      );
      if (newEvents.length === 0) continue;
      touched.set(id, newEvents);
      cancelled.push(id);
    }
    return cancelled;
  }

  /**
   * Cancels, in the issuing transaction (which holds the users' locks), the pending challenges a newer one took the
   * place of (reason `superseded`, naming it). One already resolved, or past its deadline (the expiry timer records
   * that), is left alone. Answers the events appended per challenge, to wake long-polls once the transaction commits.
   */
  async supersede(
    tx: PostgresEventStoreTransaction,
    superseded: ReadonlyArray<{ challengeId: string; supersededBy: string; metadata: EventMetadata }>,
    now: Date,
  ): Promise<Map<string, PushChallengeEvent[]>> {
    const touched = new Map<string, PushChallengeEvent[]>();
    for (const { challengeId, supersededBy, metadata } of superseded) {
      const streamId = challengeStreamId(challengeId);
      const current = await this.handler.loadIn(tx, streamId);
      if (current.state.status !== 'pending' || Date.parse(current.state.expiresAt) <= now.getTime()) continue;
      const command: PushChallengeCommand = { type: 'CancelChallenge', now, reason: 'superseded', supersededBy };
      const { newEvents } = await this.handler.handleIn(tx, streamId, command, metadata, current);
      if (newEvents.length > 0) touched.set(challengeId, newEvents);
    }
    return touched;
  }

  /** Appends decided events in the caller's transaction, naming the revision expected, and updates the read models with it. */
  async append(
    tx: PostgresEventStoreTransaction,
    challengeId: string,
    workspaceId: string,
    events: PushChallengeEvent[],
    expected: ExpectedRevision,
  ): Promise<void> {
    await this.handler.appendIn(tx, challengeStreamId(challengeId), events, expected, metadataOf(workspaceId));
  }

  /**
   * Wakes long-polls after `events` committed. This instance's own get `state` (the challenge after them) when given;
   * the others read the challenge from the store (a wake-up on Redis says nothing else).
   */
  async wakeWaiters(challengeId: string, events: readonly PushChallengeEvent[], state?: PushChallengeState): Promise<void> {
    if (!events.some((e) => RESOLVING_EVENT_TYPES.has(e.type))) return;
    // The decision is stored; a lost wake-up only makes long-polls answer at their deadline.
    await this.notifier.notify(challengeId, state?.status === 'absent' ? undefined : state).catch(() => undefined);
  }
}

/**
 * Decides the commands of a batch one after the other, in its transaction: a refusal (a `DomainError`) is its own
 * command's outcome, and that command appended nothing; anything else fails the batch.
 */
async function decidedOneByOne<C, R>(commands: readonly C[], decide: (command: C, index: number) => Promise<R>): Promise<Array<R | { error: unknown }>> {
  const outcomes: Array<R | { error: unknown }> = [];
  for (const [index, command] of commands.entries()) {
    try {
      outcomes.push(await decide(command, index));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      outcomes.push({ error });
    }
  }
  return outcomes;
}

/** Every event type the challenge projection writes a row for (all but the receipt; a new type must be listed). */
const PROJECTED: Record<Exclude<PushChallengeEvent['type'], 'ChallengeReceived'>, true> = {
  ChallengeIssued: true,
  ChallengeApproved: true,
  ChallengeDenied: true,
  ChallengeCancelled: true,
  ChallengeExpired: true,
  FraudReported: true,
  PushLocked: true,
  ChallengeResendRequested: true,
  OfflineCodeRejected: true,
};
const PROJECTED_TYPES = Object.keys(PROJECTED) as Array<PushChallengeEvent['type']>;

/** The challenge read models, kept inline: updated in the transaction of each append. */
export function readModelsOf(projection: ChallengeProjection): { inline: InlineProjection<PushChallengeEvent>[] } {
  // Its statements only write: they go with the command's COMMIT (PostgresEventStoreTransaction.deferred). A receipt
  // writes no row, so a command that only acknowledges one appends without a transaction (one round trip).
  return {
    inline: [
      {
        canHandle: PROJECTED_TYPES,
        writesOnly: true,
        handle: (events, { client }) => projection.apply(client, String(events[0]?.metadata.workspaceId ?? ''), events),
      },
    ],
  };
}

/** The user a challenge read from its stream belongs to. */
function userOf({ state }: LoadedStream<PushChallengeState>): { workspaceId: string; userId: string } {
  if (state.status === 'absent') throw new DomainError('not_found', 'no such challenge');
  return { workspaceId: state.workspaceId, userId: state.userId };
}

/** Only a UUID names a challenge: anything else is `not_found` before the store is asked. */
export function assertChallengeId(challengeId: string): void {
  if (!/^[0-9a-f-]{36}$/.test(challengeId)) throw new DomainError('not_found', 'no such challenge');
}

/** What every event this service appends carries: its workspace, and the request's correlation and trace. */
export function metadataOf(workspaceId: string): EventMetadata {
  return { workspaceId, correlationId: currentCorrelationId(), traceparent: currentTraceparent(), occurredAt: new Date().toISOString() };
}
