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
  };
}

/**
 * The recovery phase in one-second buckets of intended send time; a bucket is normal when every challenge in it was
 * approved and its p99 create→dispatched and approve→answer meet the objective. The answer is the start of the first
 * bucket from which every later one is normal.
 */
export function recoverySeconds(recovery: readonly ChallengeRecord[], objective: CapacityObjective = CAPACITY_OBJECTIVE): number | null {
  if (recovery.length === 0) return null;
  const startedAt = Math.min(...recovery.map((r) => r.intendedAt));
  const buckets: ChallengeRecord[][] = [];
  for (const record of recovery) (buckets[Math.floor((record.intendedAt - startedAt) / 1000)] ??= []).push(record);
  const normal = (bucket: ChallengeRecord[] | undefined): boolean => {
    if (!bucket || bucket.length === 0) return true;
    if (bucket.some((r) => r.outcome !== 'approved')) return false;
    const dispatched = summarizeLatencies(bucket.flatMap((r) => (r.createToDispatchedMs === undefined ? [] : [r.createToDispatchedMs]))).p99;
    const answered = summarizeLatencies(bucket.flatMap((r) => (r.approveToAnswerMs === undefined ? [] : [r.approveToAnswerMs]))).p99;
    return (dispatched ?? Infinity) <= objective.createToDispatchedP99Ms && (answered ?? Infinity) <= objective.approveToAnswerP99Ms;
  };
  let first = buckets.length;
  while (first > 0 && normal(buckets[first - 1])) first--;
  return first === buckets.length ? null : first;
}
