import type { ScalingResult } from './delivery-scaling-run';
import type { LatencySummary } from './latency-summary';
import type { LoadRunResult } from './load-run';

export interface GoalCheck {
  goal: string;
  measured: string;
  met: boolean | null;
}

/** The project's performance goals beside what this run measured; null where the run did not measure it. */
export function judgeGoals(
  run: LoadRunResult | undefined,
  baselines: { kafkaRoundTripMs?: LatencySummary },
  scaling: ScalingResult | undefined,
  peakRss: Record<string, number | null>,
): GoalCheck[] {
  const checks: GoalCheck[] = [];
  const l = run?.latencies;
  const check = (goal: string, value: number | null | undefined, met: (v: number) => boolean, unit = 'ms') =>
    checks.push({
      goal,
      measured: value === null || value === undefined ? 'n/a' : `${value} ${unit}`,
      met: value === null || value === undefined ? null : met(value),
    });
  check('1000 challenges/s sustained, all approved', run ? run.challengesPerSecond : undefined, (v) => v >= 1000 && run?.allCompleted === true, '/s');
  check('createToDispatchedMs p99 ≤ 50 ms (at 200/s)', l?.createToDispatchedMs.p99, (v) => v <= 50);
  check('approveToAnswerMs p99 ≤ 20 ms', l?.approveToAnswerMs.p99, (v) => v <= 20);
  check('createToReportMs p99 ≤ 500 ms', l?.createToReportMs.p99, (v) => v <= 500);
  const kafka = baselines.kafkaRoundTripMs?.p50;
  const dispatched = l?.createToDispatchedMs.p50;
  check(
    'createToDispatchedMs p50 ≤ 3 × kafkaRoundTripMs p50',
    kafka && dispatched !== null && dispatched !== undefined ? Math.round((dispatched / kafka) * 10) / 10 : undefined,
    (v) => v <= 3,
    '×',
  );
  const ratios = (scaling?.steps ?? []).flatMap((s) => (s.ratioToPrevious === null ? [] : [s.ratioToPrevious]));
  check('≥ 1.8× delivery throughput per doubling of workers', ratios.length ? Math.min(...ratios) : undefined, (v) => v >= 1.8, '× (worst)');
  const rss = Object.values(peakRss).filter((v): v is number => v !== null);
  check('each service < 300 MB RSS', rss.length ? Math.max(...rss) : undefined, (v) => v < 300, 'MB (largest)');
  return checks;
}
