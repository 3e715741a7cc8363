import type { ServiceName } from '../service-process';
import { sleep } from './fault-http';
import { checkOutcomes, ChallengeLoad, type PhoneFleet } from './fault-load';
import { type FaultStack, SERVICE_NAMES } from './fault-stack';
import type { FaultWorkspace } from './fault-workspace';

export interface FaultScenario {
  name: string;
  /** Services that need what the fault takes away: their `/health/ready` must answer 503 while it lasts. */
  notReadyDuring: ServiceName[];
  /**
   * Delivery worker deaths, or stalls longer than a lease, the fault causes. services/delivery/README.md: each adds
   * at most one send of a push, over the 3 tries of a round.
   */
  deliveryStalls: number;
  /** True when the fault needs a broker of the run's own (it kills it). */
  needsOwnBroker?: boolean;
  inject(stack: FaultStack): Promise<void>;
  /**
   * Ends the fault: resolves once what was taken away is back — the server answers again, or the restarted process
   * answers HTTP (`/health/live`; how long Node takes to boot depends on the machine, not on the service's
   * recovery). The 15 s readiness window counts from then.
   */
  end(stack: FaultStack): Promise<void>;
}

/** SIGKILL of one service's process mid-load, then the operator (or the orchestrator) starts it again. */
export function serviceKill(name: ServiceName): FaultScenario {
  return {
    name: `SIGKILL of ${name}`,
    notReadyDuring: [],
    deliveryStalls: name === 'delivery' ? 1 : 0,
    inject: (stack) => stack.killService(name),
    end: async (stack) => void (await stack.startService(name, 'live')),
  };
}

export const POSTGRES_CRASH: FaultScenario = {
  name: 'PostgreSQL crash-restart (pg_ctl stop -m immediate, then start)',
  notReadyDuring: [...SERVICE_NAMES],
  // The outage outlasts the suite's 4 s delivery lease.
  deliveryStalls: 1,
  inject: (stack) => stack.pg.crash(),
  end: (stack) => stack.pg.start(),
};

export const POSTGRES_CUT: FaultScenario = {
  name: 'PostgreSQL connection cut (every connection dropped, new ones refused)',
  notReadyDuring: [...SERVICE_NAMES],
  deliveryStalls: 1,
  inject: async (stack) => stack.pgProxy.cut(),
  end: async (stack) => stack.pgProxy.restore(),
};

export const REDIS_RESTART_EMPTY: FaultScenario = {
  name: 'Redis killed and restarted empty',
  notReadyDuring: ['challenge', 'device-registry'],
  deliveryStalls: 0,
  inject: (stack) => stack.redis.kill(),
  end: (stack) => stack.redis.start(),
};

export const BROKER_KILL: FaultScenario = {
  name: 'SIGKILL of the Kafka broker, then its restart',
  notReadyDuring: [],
  deliveryStalls: 0,
  needsOwnBroker: true,
  inject: async (stack) => {
    if (!stack.kafka) throw new Error('the broker-kill scenario needs a stack with a broker of its own');
    await stack.kafka.kill();
  },
  end: (stack) => stack.kafka!.start(),
};

export const ALL_FAULT_SCENARIOS: FaultScenario[] = [...SERVICE_NAMES.map(serviceKill), POSTGRES_CRASH, POSTGRES_CUT, REDIS_RESTART_EMPTY, BROKER_KILL];

export interface FaultRunSettings {
  /** Challenges per second the platform asks for. */
  rate: number;
  /** Load before the fault. */
  beforeMs: number;
  /** How long the fault lasts. */
  outageMs: number;
  /** Load after every service is ready again. */
  afterMs: number;
  /** Progress lines, for whoever watches a run or reads why one failed. */
  log?: (line: string) => void;
}

export const FAULT_TEST_SETTINGS: FaultRunSettings = { rate: 5, beforeMs: 3_000, outageMs: 5_000, afterMs: 3_000 };
/** API.md's quality bar: every service is ready again this soon after the fault's end. */
export const READY_AGAIN_WITHIN_MS = 15_000;
/** A round's 3 tries (services/delivery/README.md). */
const SENDS_PER_ROUND = 3;

export interface FaultScenarioResult {
  name: string;
  issued: number;
  /** The most POSTs one challenge took (its Idempotency-Key retried through the outage). */
  maxAttempts: number;
  byStatus: Record<string, number>;
  maxSendsPerPush: number;
  /** How long bringing back what the fault took took (a store's start, a process's boot until it answers HTTP). */
  backAfterMs: number;
  /** Time from the fault's end until every service answered ready; undefined when they did not within 15 s. */
  readyAgainMs?: number;
  durationMs: number;
  /** Every broken promise; empty when the platform kept them all. */
  problems: string[];
}

/** Counts FCM sends per challenge from what the emulator received. */
export function sendsPerChallenge(stack: FaultStack): Map<string, number> {
  const counts = new Map<string, number>();
  for (const message of stack.fcm.received()) {
    const challengeId = (message.body as { message?: { data?: { challengeId?: unknown } } } | null)?.message?.data?.challengeId;
    if (typeof challengeId === 'string') counts.set(challengeId, (counts.get(challengeId) ?? 0) + 1);
  }
  return counts;
}

/**
 * One fault under steady load: load for `beforeMs`, inject, watch readiness for `outageMs`, end the fault, wait for
 * every service to be ready (at most 15 s), load for `afterMs`, stop asking and check every promise.
 */
export async function runFaultScenario(
  stack: FaultStack,
  workspace: FaultWorkspace,
  phones: PhoneFleet,
  scenario: FaultScenario,
  settings: FaultRunSettings,
): Promise<FaultScenarioResult> {
  const started = Date.now();
  const log = (line: string) => settings.log?.(`${scenario.name}: ${line}`);
  const problems: string[] = [];
  phones.wrong.clear();
  const deadLetteredBefore = await stack.deadLettered();
  const load = new ChallengeLoad(stack.urls, workspace, phones, settings.rate, scenario.name);
  load.start();
  await sleep(settings.beforeMs);
  log(`injecting the fault (${load.issued.length} issued so far)`);
  await scenario.inject(stack);
  const unready = new Set(scenario.notReadyDuring);
  const outageEnds = Date.now() + settings.outageMs;
  while (Date.now() < outageEnds) {
    for (const name of [...unready]) if ((await stack.readiness(name)) === 503) unready.delete(name);
    await sleep(200);
  }
  for (const name of unready) problems.push(`${name} did not answer 503 on /health/ready while the fault lasted`);
  log('ending the fault');
  const endingAt = Date.now();
  await scenario.end(stack);
  const backAfterMs = Date.now() - endingAt;
  log(`back after ${backAfterMs} ms`);
  let readyAgainMs: number | undefined;
  try {
    readyAgainMs = await stack.untilAllReady(READY_AGAIN_WITHIN_MS, log);
    log(`every service ready ${readyAgainMs} ms after the fault's end`);
  } catch (error) {
    problems.push((error as Error).message);
    log((error as Error).message);
  }
  if (readyAgainMs === undefined) await stack.untilAllReady(60_000, log).catch(() => undefined);
  await sleep(settings.afterMs);
  await load.stop();
  log(`load stopped: ${load.issued.length} issued, ${load.gaveUp} given up; checking outcomes`);
  for (const exited of stack.exitedServices()) problems.push(`${exited.name} exited (code ${exited.code}, signal ${exited.signal}):\n${exited.output}`);
  for (const { name, count } of await stack.unhandledErrors())
    problems.push(`${name} counted ${count} unhandled error(s) (pushmfa_unhandled_errors_total): see its log`);
  const deadLettered = (await stack.deadLettered()) - deadLetteredBefore;
  if (deadLettered > 0) problems.push(`${deadLettered} record(s) were dead-lettered during the fault (an outage must be retried, never dead-lettered)`);
  if (load.gaveUp > 0) problems.push(`${load.gaveUp} challenge(s) were never issued although the platform retried for 90 s`);
  for (const wrong of [...load.wrong.list(), ...phones.wrong.list()]) problems.push(`wrong answer during the fault: ${wrong}`);
  const bound = SENDS_PER_ROUND + scenario.deliveryStalls;
  let counts = sendsPerChallenge(stack);
  const outcomes = await checkOutcomes(stack.urls, workspace, phones, load.issued, (id) => (counts = sendsPerChallenge(stack)).get(id) ?? 0, bound);
  problems.push(...outcomes.problems);
  log(`checked: ${JSON.stringify(outcomes.byStatus)}, ${problems.length} problem(s)`);
  for (const problem of problems) log(`  ${problem.split('\n')[0]}`);
  const sends = load.issued.map((challenge) => counts.get(challenge.challengeId) ?? 0);
  return {
    name: scenario.name,
    issued: load.issued.length,
    maxAttempts: Math.max(0, ...load.issued.map((challenge) => challenge.attempts)),
    byStatus: outcomes.byStatus,
    maxSendsPerPush: Math.max(0, ...sends),
    backAfterMs,
    readyAgainMs,
    durationMs: Date.now() - started,
    problems,
  };
}
