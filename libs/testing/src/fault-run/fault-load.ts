import { randomUUID } from 'node:crypto';
import { call, describeAnswer, type FaultAnswer, isAllowedOutageAnswer, sleep } from './fault-http';
import type { StackUrls } from './fault-stack';
import { callAsPhone, type FaultUser, type FaultWorkspace } from './fault-workspace';

export interface IssuedChallenge {
  challengeId: string;
  userId: string;
  numberMatch?: string;
  /** How many POSTs (one Idempotency-Key) it took. */
  attempts: number;
}

/** Wrong answers seen, by what was asked and what came back; each is a failure of the run. */
export class WrongAnswers {
  private readonly seen = new Map<string, number>();
  add(what: string, answer: FaultAnswer): void {
    const key = `${what}: ${describeAnswer(answer)}`;
    this.seen.set(key, (this.seen.get(key) ?? 0) + 1);
  }
  list(): string[] {
    return [...this.seen].map(([key, count]) => `${key} (×${count})`);
  }
  clear(): void {
    this.seen.clear();
  }
}

const PENDING_POLL_MS = 400;
/** A platform retries with its Idempotency-Key at the pace Retry-After asks for, capped so the run stays short. */
const RETRY_CAP_MS = 1_000;
const ISSUE_GIVE_UP_MS = 90_000;

/**
 * The users' phones, each refreshing its Pending tab and approving what it finds with the number its user reads
 * off the sign-in page (known here from the platform's create answer). Runs for the whole fault run.
 */
export class PhoneFleet {
  private readonly numbers = new Map<string, string | undefined>();
  private readonly approved = new Set<string>();
  readonly wrong = new WrongAnswers();
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly urls: StackUrls,
    private readonly users: FaultUser[],
  ) {}

  /** The user has the sign-in page in front of them: the phone may approve this challenge. */
  expect(challengeId: string, numberMatch: string | undefined): void {
    this.numbers.set(challengeId, numberMatch);
  }

  hasApproved(challengeId: string): boolean {
    return this.approved.has(challengeId);
  }

  start(): void {
    this.running = true;
    this.loops = this.users.map((user, index) => this.run(user, (index * PENDING_POLL_MS) / this.users.length));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async run(user: FaultUser, offsetMs: number): Promise<void> {
    await sleep(offsetMs);
    while (this.running) {
      const pending = await callAsPhone(this.urls, user, 'GET', '/v1/device/challenges?status=pending');
      if (pending.status === 200) {
        for (const item of (pending.body.items ?? []) as Array<{ challengeId: string }>) {
          if (!this.numbers.has(item.challengeId) || this.approved.has(item.challengeId)) continue;
          const numberMatch = this.numbers.get(item.challengeId);
          const answer = await callAsPhone(this.urls, user, 'POST', `/v1/device/challenges/${item.challengeId}/response`, {
            decision: 'approve',
            ...(numberMatch ? { numberMatch } : {}),
          });
          if (answer.status === 200 && answer.body.status === 'approved') this.approved.add(item.challengeId);
          else if (!isAllowedOutageAnswer(answer)) this.wrong.add('phone approve', answer);
        }
      } else if (!isAllowedOutageAnswer(pending)) {
        this.wrong.add('phone pending tab', pending);
      }
      await sleep(PENDING_POLL_MS);
    }
  }
}

/**
 * A platform asking for challenges at a steady rate, each with its own Idempotency-Key, retrying the same request
 * through an outage until it is answered 201. Every answer on the way must be an allowed outage answer.
 */
export class ChallengeLoad {
  readonly issued: IssuedChallenge[] = [];
  readonly wrong = new WrongAnswers();
  gaveUp = 0;
  private running = false;
  private ticker?: Promise<void>;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly urls: StackUrls,
    private readonly workspace: FaultWorkspace,
    private readonly phones: PhoneFleet,
    private readonly ratePerSecond: number,
    private readonly label: string,
  ) {}

  start(): void {
    this.running = true;
    this.ticker = this.tick();
  }

  /** Stops asking for new challenges and waits until every one asked for was issued (or given up on). */
  async stop(): Promise<void> {
    this.running = false;
    await this.ticker;
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private async tick(): Promise<void> {
    const startedAt = Date.now();
    let sent = 0;
    while (this.running) {
      const due = Math.floor(((Date.now() - startedAt) * this.ratePerSecond) / 1000) + 1;
      while (sent < due) {
        const user = this.workspace.users[sent % this.workspace.users.length]!;
        const work = this.issue(user, sent).finally(() => this.inFlight.delete(work));
        this.inFlight.add(work);
        sent++;
      }
      await sleep(Math.max(5, 1000 / this.ratePerSecond / 2));
    }
  }

  private async issue(user: FaultUser, index: number): Promise<void> {
    const key = randomUUID();
    const body = { userId: user.userId, context: { application: `faults ${this.label} #${index}`, ipAddress: '203.0.113.7' } };
    const giveUpAt = Date.now() + ISSUE_GIVE_UP_MS;
    for (let attempt = 1; ; attempt++) {
      const answer = await call(this.urls.challenge, 'POST', '/v1/challenges', {
        bearer: this.workspace.platformKey,
        body,
        headers: { 'idempotency-key': key },
      });
      if (answer.status === 201) {
        const challenge = {
          challengeId: answer.body.challengeId as string,
          userId: user.userId,
          numberMatch: answer.body.numberMatch as string | undefined,
          attempts: attempt,
        };
        this.phones.expect(challenge.challengeId, challenge.numberMatch);
        this.issued.push(challenge);
        return;
      }
      if (!isAllowedOutageAnswer(answer)) this.wrong.add('create challenge', answer);
      if (Date.now() > giveUpAt) {
        this.gaveUp++;
        return;
      }
      const retryAfterMs = answer.retryAfter ? Number(answer.retryAfter) * 1000 : 200;
      await sleep(Math.min(RETRY_CAP_MS, Number.isFinite(retryAfterMs) ? retryAfterMs : 200));
    }
  }
}

async function inBatches<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
}

/** Asks `read` about every item in rounds until it has an answer for each, or the deadline passes; unanswered stay out. */
async function readAll<T, V>(items: T[], read: (item: T) => Promise<V | undefined>, timeoutMs: number): Promise<Map<T, V>> {
  const answers = new Map<T, V>();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = items.filter((item) => !answers.has(item));
    await inBatches(open, 8, async (item) => {
      const value = await read(item);
      if (value !== undefined) answers.set(item, value);
    });
    if (answers.size === items.length || Date.now() > deadline) return answers;
    await sleep(500);
  }
}

export interface OutcomeCheck {
  /** Each line a broken promise of the platform (empty when all held). */
  problems: string[];
  byStatus: Record<string, number>;
}

const FINAL_STATE_WITHIN_MS = 60_000;
/** The MFA Report's word for each final challenge status (API.md: an approved challenge is a `success`). */
const REPORT_STATUS_OF: Record<string, string> = { approved: 'success', denied: 'denied', expired: 'expired', cancelled: 'cancelled' };
const REPORTED_WITHIN_MS = 30_000;

/**
 * After a fault: every issued challenge reaches a final state, approved where its phone approved it; the MFA Report
 * shows each with the status the challenge service answers; no push was sent more often than `maxSendsPerPush`.
 */
export async function checkOutcomes(
  urls: StackUrls,
  workspace: FaultWorkspace,
  phones: PhoneFleet,
  challenges: IssuedChallenge[],
  sendsOf: (challengeId: string) => number,
  maxSendsPerPush: number,
): Promise<OutcomeCheck> {
  const problems: string[] = [];
  const byStatus: Record<string, number> = {};
  const finals = await readAll(
    challenges,
    async (challenge) => {
      const answer = await call(urls.challenge, 'GET', `/v1/challenges/${challenge.challengeId}`, { bearer: workspace.platformKey });
      return answer.status === 200 && answer.body.status !== 'pending' ? (answer.body.status as string) : undefined;
    },
    FINAL_STATE_WITHIN_MS,
  );
  for (const challenge of challenges) {
    const final = finals.get(challenge);
    byStatus[final ?? 'pending'] = (byStatus[final ?? 'pending'] ?? 0) + 1;
    if (final === undefined)
      problems.push(
        `challenge ${challenge.challengeId} is still pending ${FINAL_STATE_WITHIN_MS / 1000} s after the load stopped (its phone ${phones.hasApproved(challenge.challengeId) ? 'approved it' : 'never saw it approved'})`,
      );
    else if (phones.hasApproved(challenge.challengeId) && final !== 'approved')
      problems.push(`challenge ${challenge.challengeId} was approved by its phone but is ${final}`);
    else if (final !== 'approved') problems.push(`challenge ${challenge.challengeId} ended ${final}, not approved`);
  }
  const settled = challenges.filter((challenge) => finals.has(challenge));
  const lastSeen = new Map<IssuedChallenge, string>();
  const reported = await readAll(
    settled,
    async (challenge) => {
      const answer = await call(urls.reporting, 'GET', `/v1/reports/mfa/${challenge.challengeId}`, { bearer: workspace.adminKey });
      lastSeen.set(challenge, answer.status === 200 ? `status ${answer.body.status}` : describeAnswer(answer));
      return answer.status === 200 && answer.body.status === REPORT_STATUS_OF[finals.get(challenge)!] ? true : undefined;
    },
    REPORTED_WITHIN_MS,
  );
  for (const challenge of settled) {
    if (!reported.has(challenge))
      problems.push(
        `the report answers ${lastSeen.get(challenge)} for challenge ${challenge.challengeId}, the challenge service ${finals.get(challenge)} (the report's word: ${REPORT_STATUS_OF[finals.get(challenge)!]})`,
      );
    const sends = sendsOf(challenge.challengeId);
    if (sends > maxSendsPerPush) problems.push(`challenge ${challenge.challengeId} was pushed ${sends} times (bound ${maxSendsPerPush})`);
  }
  return { problems, byStatus };
}
