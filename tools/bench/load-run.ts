import { signDeviceRequest } from '@pushmfa/device-auth';
import type { BenchUser, BenchWorkspace } from './bench-setup';
import type { DispatchObserver } from './dispatch-observer';
import { errorKind, type KeepAliveHttpClient } from './keep-alive-http.client';
import { LatencySamples, type LatencySummary } from './latency-summary';
import type { StackUrls } from './local-stack';
import { ProgressLine } from './progress-line';
import type { PushInbox, ReceivedPush } from './push-inbox';

export interface LoadRunSettings {
  durationSeconds: number;
  rate: number;
  reportSampleEvery: number;
  /** Rates one after the other (e.g. an overload then a recovery); when given, `rate` and `durationSeconds` are ignored. */
  phases?: LoadPhase[];
  /** Where in the user list the run starts, so that consecutive runs on one stack spread over the per-user limit. */
  firstUserIndex?: number;
  /** Each phone acknowledges its push (POST …/receipt, answered 204) before it approves, as the authenticator app does. */
  receipts?: boolean;
  /** The platform resends each challenge once (POST …/resend, answered 202) when its first push arrives, before the phone approves. */
  resends?: boolean;
  /** Keep one record per challenge in `timeline` (the overload summary reads it; never written to the results file). */
  keepTimeline?: boolean;
}

export interface LoadPhase {
  rate: number;
  durationSeconds: number;
}

/** What became of one offered challenge, on the bench's clock (ms since the epoch). */
export interface ChallengeRecord {
  phase: number;
  intendedAt: number;
  /** approved: the long-poll answered approved; refused: the create answered 503; reset / timeout: the create's connection. */
  outcome: 'approved' | 'refused' | 'connection reset' | 'client timeout' | 'failed';
  /** Intended send → the create answered (or failed). */
  createMs?: number;
  createToDispatchedMs?: number;
  approveToAnswerMs?: number;
}

export interface LoadRunResult {
  offered: number;
  created: number;
  completed: number;
  allCompleted: boolean;
  offeredPerSecond: number;
  /** Completed challenges over the time from the first intended send to the last completion. */
  challengesPerSecond: number;
  /** How late, at worst, the scheduler fired a send (the load generator's own lag). */
  maxSendLagMs: number;
  latencies: {
    apiCreateMs: LatencySummary;
    createToProviderMs: LatencySummary;
    createToDispatchedMs: LatencySummary;
    approveToAnswerMs: LatencySummary;
    createToReportMs: LatencySummary;
  };
  errors: Record<string, number>;
  timeline?: ChallengeRecord[];
}

/** One challenge from intended send to the platform's answer. */
interface Flight {
  record: ChallengeRecord;
  intendedAt: number;
  user: BenchUser;
  challengeId?: string;
  numberMatch?: string;
  approveSentAt?: number;
}

const PUSH_POLL_MS = 2;
const DRAIN_TIMEOUT_MS = 30_000;
// Coarse enough that the bench's own polling stays a small part of the reporting service's work, fine enough
// against the 500 ms goal.
const REPORT_POLL_MS = 100;
const REPORT_TIMEOUT_MS = 20_000;
const LONG_POLL_SECONDS = 30;
/** A sign-in page does not wait longer than this for its challenge; past it the create counts as a client timeout. */
const CREATE_TIMEOUT_MS = 10_000;
const DISPATCH_TAIL_MS = 5_000;

/**
 * Open-loop load: challenge i is due at start + i/rate and is sent then, whatever happened to the ones before
 * (latencies count from the intended send time, so a stalled service cannot hide its queue: no coordinated
 * omission). Each simulated phone approves its push with the right number as soon as the emulator has it, while
 * the platform side long-polls the challenge.
 */
export async function runOpenLoopLoad(
  http: KeepAliveHttpClient,
  urls: StackUrls,
  workspace: BenchWorkspace,
  inbox: PushInbox,
  dispatches: DispatchObserver,
  settings: LoadRunSettings,
): Promise<LoadRunResult> {
  const apiCreate = new LatencySamples();
  const approveToAnswer = new LatencySamples();
  const createToReport = new LatencySamples();
  const errors: Record<string, number> = {};
  const fail = (kind: string): void => {
    errors[kind] = (errors[kind] ?? 0) + 1;
  };
  const flights = new Map<string, Flight>();
  const pushedAt = new Map<string, number>();
  const earlyPushes = new Map<string, ReceivedPush>();
  const usersByToken = new Map(workspace.users.map((user) => [user.pushToken, user]));
  const phases = settings.phases ?? [{ rate: settings.rate, durationSeconds: settings.durationSeconds }];
  const phaseStarts: { firstIndex: number; atMs: number }[] = [];
  let offered = 0;
  let phaseStartMs = 0;
  for (const phase of phases) {
    phaseStarts.push({ firstIndex: offered, atMs: phaseStartMs });
    offered += Math.round(phase.durationSeconds * phase.rate);
    phaseStartMs += phase.durationSeconds * 1000;
  }
  const totalSeconds = phaseStartMs / 1000;
  /** Which phase challenge i belongs to and when it is due, relative to the start. */
  const scheduleOf = (index: number): { phase: number; offsetMs: number } => {
    let phase = phaseStarts.length - 1;
    while (phase > 0 && phaseStarts[phase]!.firstIndex > index) phase--;
    const start = phaseStarts[phase]!;
    return { phase, offsetMs: start.atMs + ((index - start.firstIndex) * 1000) / phases[phase]!.rate };
  };
  /** How many challenges are due by `elapsedMs` after the start. */
  const dueBy = (elapsedMs: number): number => {
    let due = 0;
    for (let phase = 0; phase < phases.length; phase++) {
      const start = phaseStarts[phase]!;
      const count = Math.round(phases[phase]!.durationSeconds * phases[phase]!.rate);
      if (elapsedMs < start.atMs) break;
      due = start.firstIndex + Math.min(count, Math.floor(((elapsedMs - start.atMs) * phases[phase]!.rate) / 1000) + 1);
    }
    return Math.min(offered, due);
  };
  const timeline: ChallengeRecord[] = [];
  const firstUser = settings.firstUserIndex ?? 0;
  let sent = 0;
  let created = 0;
  let completed = 0;
  let finished = 0;
  let lastCompletedAt = 0;
  let maxSendLagMs = 0;
  const inFlight = new Set<Promise<void>>();
  const track = (work: Promise<void>) => {
    const tracked = work.catch((error: unknown) => fail(errorKind(error))).finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };

  /** A POST of the flight's phone, signed (before the call: signing is not the service's time). */
  const devicePost = (flight: Flight, path: string, body?: string) => {
    const headers = { ...signDeviceRequest(flight.user.privateJwk, { method: 'POST', pathWithQuery: path, body, deviceId: flight.user.deviceId }) } as Record<
      string,
      string
    >;
    return () => http.call(urls.challenge, 'POST', path, { body, headers });
  };

  const approve = async (flight: Flight, challengeId: string) => {
    if (flight.approveSentAt !== undefined) return;
    if (settings.resends) {
      const resent = await http.call(urls.challenge, 'POST', `/v1/challenges/${challengeId}/resend`, { bearer: workspace.platformKey });
      if (resent.status !== 202) fail(`resend ${resent.status} ${resent.body.code ?? ''}`.trim());
    }
    if (settings.receipts) {
      const receipt = await devicePost(flight, `/v1/device/challenges/${challengeId}/receipt`)();
      if (receipt.status !== 204) fail(`receipt ${receipt.status} ${receipt.body.code ?? ''}`.trim());
    }
    const send = devicePost(flight, `/v1/device/challenges/${challengeId}/response`, JSON.stringify({ decision: 'approve', numberMatch: flight.numberMatch }));
    flight.approveSentAt = Date.now();
    const answer = await send();
    if (answer.status !== 200 || answer.body.status !== 'approved') fail(`approve ${answer.status} ${answer.body.code ?? answer.body.status ?? ''}`.trim());
  };

  const onPush = (push: ReceivedPush) => {
    if (pushedAt.has(push.challengeId)) return;
    const flight = flights.get(push.challengeId);
    if (!flight) {
      // The push can beat the create answer home; the flight picks it up when it arrives.
      if (usersByToken.has(push.token)) earlyPushes.set(push.challengeId, push);
      return;
    }
    pushedAt.set(push.challengeId, push.receivedAtMs);
    track(approve(flight, push.challengeId));
  };

  const longPoll = async (flight: Flight, challengeId: string) => {
    const deadline = Date.now() + DRAIN_TIMEOUT_MS + totalSeconds * 1000;
    for (;;) {
      const answer = await http.call(urls.challenge, 'GET', `/v1/challenges/${challengeId}?waitSeconds=${LONG_POLL_SECONDS}`, {
        bearer: workspace.platformKey,
      });
      const answeredAt = Date.now();
      if (answer.status !== 200) return void fail(`long-poll ${answer.status} ${answer.body.code ?? ''}`.trim());
      if (answer.body.status === 'pending') {
        if (answeredAt > deadline) return void fail('never answered');
        continue;
      }
      if (answer.body.status !== 'approved') return void fail(`answered ${answer.body.status}`);
      if (flight.approveSentAt === undefined) return void fail('approved before the phone approved');
      approveToAnswer.add(answeredAt - flight.approveSentAt);
      flight.record.approveToAnswerMs = answeredAt - flight.approveSentAt;
      flight.record.outcome = 'approved';
      completed++;
      lastCompletedAt = Math.max(lastCompletedAt, answeredAt);
      return;
    }
  };

  const followReport = async (flight: Flight, challengeId: string) => {
    const deadline = Date.now() + REPORT_TIMEOUT_MS;
    for (;;) {
      const answer = await http.call(urls.reporting, 'GET', `/v1/reports/mfa/${challengeId}`, { bearer: workspace.adminKey });
      if (answer.status === 200) return void createToReport.add(Date.now() - flight.intendedAt);
      if (answer.status !== 404) return void fail(`report ${answer.status} ${answer.body.code ?? ''}`.trim());
      if (Date.now() > deadline) return void fail('report row never appeared');
      await new Promise((resolve) => setTimeout(resolve, REPORT_POLL_MS));
    }
  };

  const issue = async (index: number, intendedAt: number, phase: number) => {
    const user = workspace.users[(firstUser + index) % workspace.users.length] as BenchUser;
    const record: ChallengeRecord = { phase, intendedAt, outcome: 'failed' };
    if (settings.keepTimeline) timeline.push(record);
    const flight: Flight = { record, intendedAt, user };
    try {
      let answer;
      try {
        answer = await http.call(urls.challenge, 'POST', '/v1/challenges', {
          bearer: workspace.platformKey,
          body: { userId: user.userId, context: { application: 'bench', ipAddress: '203.0.113.9' } },
          timeoutMs: CREATE_TIMEOUT_MS,
        });
      } catch (error) {
        record.createMs = Date.now() - intendedAt;
        const kind = errorKind(error);
        if (kind === 'connection reset' || kind === 'client timeout') record.outcome = kind;
        return void fail(`create: ${kind}`);
      }
      record.createMs = Date.now() - intendedAt;
      apiCreate.add(record.createMs);
      if (answer.status === 503) record.outcome = 'refused';
      if (answer.status !== 201) return void fail(`create ${answer.status} ${answer.body.code ?? ''}`.trim());
      created++;
      const challengeId = answer.body.challengeId as string;
      flight.challengeId = challengeId;
      flight.numberMatch = answer.body.numberMatch as string | undefined;
      flights.set(challengeId, flight);
      const early = earlyPushes.get(challengeId);
      if (early) {
        earlyPushes.delete(challengeId);
        onPush(early);
      }
      const reported = index % settings.reportSampleEvery === 0 ? followReport(flight, challengeId) : Promise.resolve();
      await Promise.all([longPoll(flight, challengeId), reported]);
    } finally {
      finished++;
    }
  };

  let polling = true;
  const pushLoop = (async () => {
    while (polling) {
      for (const push of await inbox.take()) onPush(push);
      await new Promise((resolve) => setTimeout(resolve, PUSH_POLL_MS));
    }
  })();

  const startedAt = Date.now();
  const progress = new ProgressLine(
    totalSeconds,
    () => `sent ${sent}/${offered} answered ${completed} in flight ${sent - finished} errors ${Object.values(errors).reduce((a, b) => a + b, 0)}`,
  );
  progress.start(startedAt);
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = Date.now();
      const due = dueBy(now - startedAt);
      while (sent < due) {
        const { phase, offsetMs } = scheduleOf(sent);
        const intendedAt = startedAt + offsetMs;
        maxSendLagMs = Math.max(maxSendLagMs, now - intendedAt);
        track(issue(sent, intendedAt, phase));
        sent++;
      }
      if (sent >= offered) return resolve();
      setTimeout(tick, 1);
    };
    tick();
  });
  const drainDeadline = Date.now() + DRAIN_TIMEOUT_MS;
  while (inFlight.size > 0 && Date.now() < drainDeadline) await Promise.race([...inFlight, new Promise((resolve) => setTimeout(resolve, 500))]);
  if (inFlight.size > 0) errors['still in flight at the end'] = inFlight.size;
  progress.stop();
  polling = false;
  await pushLoop;
  // PushDispatched is produced after the provider answered, so the last ones can trail the approvals a little.
  const dispatchDeadline = Date.now() + DISPATCH_TAIL_MS;
  while ([...pushedAt.keys()].some((id) => dispatches.at(id) === undefined) && Date.now() < dispatchDeadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  const createToProvider = new LatencySamples();
  const createToDispatched = new LatencySamples();
  for (const [challengeId, flight] of flights) {
    const provider = pushedAt.get(challengeId);
    if (provider !== undefined) createToProvider.add(provider - flight.intendedAt);
    const dispatched = dispatches.at(challengeId);
    if (dispatched !== undefined) {
      createToDispatched.add(dispatched - flight.intendedAt);
      flight.record.createToDispatchedMs = dispatched - flight.intendedAt;
    } else fail('no PushDispatched seen');
  }
  const spanSeconds = Math.max(0.001, (lastCompletedAt - startedAt) / 1000);
  return {
    offered,
    created,
    completed,
    allCompleted: completed === offered,
    offeredPerSecond: Math.round((offered / Math.max(0.001, totalSeconds)) * 10) / 10,
    challengesPerSecond: Math.round((completed / spanSeconds) * 10) / 10,
    maxSendLagMs: Math.round(maxSendLagMs),
    latencies: {
      apiCreateMs: apiCreate.summary(),
      createToProviderMs: createToProvider.summary(),
      createToDispatchedMs: createToDispatched.summary(),
      approveToAnswerMs: approveToAnswer.summary(),
      createToReportMs: createToReport.summary(),
    },
    errors,
    ...(settings.keepTimeline ? { timeline } : {}),
  };
}
