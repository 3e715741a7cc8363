import { CAPACITY_OBJECTIVE, type CapacityObjective } from './capacity-search';
import { summarizeLatencies } from './latency-summary';
import type { ChallengeRecord } from './load-run';

/** `--overload F`: what the results file says about the overload and the recovery after it (names fixed). */
export interface OverloadSummary {
  factor: number;
  /** Useful challenges a second during the overload over the capacity the overload was scaled from. */
  goodputRatio: number;
  /** p99 of intended send → 503 answered, over every refused create; null when none was refused. */
  refusedAnswerMsP99: number | null;
  connectionResets: number;
  clientTimeouts: number;
  /** Seconds after the overload until every later second met the objective again; null if it never did. */
  recoverySeconds: number | null;
  /** The recovery phase second by second: what decided `recoverySeconds` (which second missed, and by what). */
  recoveryBySecond: RecoverySecond[];
}

/** One second of the recovery phase, by intended send time. */
export interface RecoverySecond {
  second: number;
  offered: number;
  /** Every challenge approved, and both p99s within the objective. */
  normal: boolean;
  createToDispatchedP99Ms: number | null;
  approveToAnswerP99Ms: number | null;
}

export interface OverloadInput {
  factor: number;
  capacity: number;
  overloadSeconds: number;
  /** One record per offered challenge; phase 0 is the overload, phase 1 the recovery at half capacity. */
  timeline: readonly ChallengeRecord[];
  /** The load run's errors by kind (resets and time-outs of any call, not only creates). */
  errors: Record<string, number>;
  objective?: CapacityObjective;
  /** A challenge is useful when approved with its push dispatched within this of its intended send. */
  usefulWithinMs?: number;
}

/** A push dispatched a second after the sign-in page asked for it is still one the user waits for. */
export const USEFUL_WITHIN_MS = 1000;

export function summarizeOverload(input: OverloadInput): OverloadSummary {
  const objective = input.objective ?? CAPACITY_OBJECTIVE;
  const usefulWithinMs = input.usefulWithinMs ?? USEFUL_WITHIN_MS;
  const overload = input.timeline.filter((r) => r.phase === 0);
  const useful = overload.filter((r) => r.outcome === 'approved' && r.createToDispatchedMs !== undefined && r.createToDispatchedMs <= usefulWithinMs).length;
  const goodput = input.overloadSeconds > 0 ? useful / input.overloadSeconds : 0;
  const refused = input.timeline.filter((r) => r.outcome === 'refused' && r.createMs !== undefined).map((r) => r.createMs as number);
  const countOf = (kind: string) =>
    Object.entries(input.errors).reduce((sum, [name, count]) => (name === kind || name.endsWith(`: ${kind}`) ? sum + count : sum), 0);
  return {
    factor: input.factor,
    goodputRatio: input.capacity > 0 ? Math.round((goodput / input.capacity) * 1000) / 1000 : 0,
    refusedAnswerMsP99: summarizeLatencies(refused).p99,
    connectionResets: countOf('connection reset'),
    clientTimeouts: countOf('client timeout'),
    recoverySeconds: recoverySeconds(
      input.timeline.filter((r) => r.phase === 1),
      objective,
    ),
    recoveryBySecond: recoveryBySecond(
      input.timeline.filter((r) => r.phase === 1),
      objective,
    ),
  };
}

/** The recovery phase in one-second buckets of intended send time, each with its p99s and whether it met the objective. */
export function recoveryBySecond(recovery: readonly ChallengeRecord[], objective: CapacityObjective = CAPACITY_OBJECTIVE): RecoverySecond[] {
  if (recovery.length === 0) return [];
  const startedAt = Math.min(...recovery.map((r) => r.intendedAt));
  const buckets: ChallengeRecord[][] = [];
  for (const record of recovery) (buckets[Math.floor((record.intendedAt - startedAt) / 1000)] ??= []).push(record);
  return Array.from(buckets, (bucket = [], second) => {
    const p99 = (pick: (r: ChallengeRecord) => number | undefined) => summarizeLatencies(bucket.flatMap((r) => pick(r) ?? [])).p99;
    const dispatched = p99((r) => r.createToDispatchedMs);
    const answered = p99((r) => r.approveToAnswerMs);
    const normal =
      bucket.length === 0 ||
      (bucket.every((r) => r.outcome === 'approved') &&
        (dispatched ?? Infinity) <= objective.createToDispatchedP99Ms &&
        (answered ?? Infinity) <= objective.approveToAnswerP99Ms);
    return { second, offered: bucket.length, normal, createToDispatchedP99Ms: dispatched, approveToAnswerP99Ms: answered };
  });
}

/**
 * The start of the first second of the recovery phase (recoveryBySecond) from which every later one is normal; null
 * when the last one is not.
 */
export function recoverySeconds(recovery: readonly ChallengeRecord[], objective: CapacityObjective = CAPACITY_OBJECTIVE): number | null {
  const seconds = recoveryBySecond(recovery, objective);
  let first = seconds.length;
  while (first > 0 && seconds[first - 1]!.normal) first--;
  return seconds.length === 0 || first === seconds.length ? null : first;
}
