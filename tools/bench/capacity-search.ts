import type { LoadRunResult } from './load-run';

/** The latency objective a rate must meet to count as served (`--find-capacity`). */
export interface CapacityObjective {
  createToDispatchedP99Ms: number;
  approveToAnswerP99Ms: number;
  createToReportP99Ms: number;
}

export const CAPACITY_OBJECTIVE: CapacityObjective = { createToDispatchedP99Ms: 100, approveToAnswerP99Ms: 30, createToReportP99Ms: 1000 };

/** Why a step failed the objective; empty when it met it. */
export function objectiveMisses(
  run: Pick<LoadRunResult, 'allCompleted' | 'latencies' | 'completed' | 'offered'>,
  objective: CapacityObjective = CAPACITY_OBJECTIVE,
): string[] {
  const misses: string[] = [];
  if (!run.allCompleted) misses.push(`${run.completed}/${run.offered} approved`);
  const over = (name: string, p99: number | null, limit: number) => {
    if (p99 === null) misses.push(`${name} p99 not measured`);
    else if (p99 > limit) misses.push(`${name} p99 ${p99} > ${limit} ms`);
  };
  over('createToDispatchedMs', run.latencies.createToDispatchedMs.p99, objective.createToDispatchedP99Ms);
  over('approveToAnswerMs', run.latencies.approveToAnswerMs.p99, objective.approveToAnswerP99Ms);
  // The report is followed for a sample only; a step too short to follow any has nothing to miss there.
  if (run.latencies.createToReportMs.count > 0) over('createToReportMs', run.latencies.createToReportMs.p99, objective.createToReportP99Ms);
  return misses;
}

/**
 * How long a capacity step at `rate` runs: `stepSeconds`, or longer when that would offer fewer than `stepSamples`
 * challenges. A p99 over 250 samples (10 s at 25/s) is their third-worst, so one stall of a fraction of a second
 * anywhere on the box decided the step; over 1,000 it is the tenth-worst.
 */
export function stepSecondsAt(rate: number, stepSeconds: number, stepSamples: number): number {
  return Math.max(stepSeconds, Math.ceil(stepSamples / rate));
}

export interface CapacitySearchSettings {
  /** The first rate tried. */
  startRate: number;
  /** Each passing step multiplies the rate by this until a step fails (the coarse phase). */
  growth: number;
  /** No rate above this is tried. */
  maxRate: number;
  /** Bisection stops once the bracket [pass, fail] is narrower than this share of the passing rate... */
  resolution: number;
  /** ...or narrower than this many challenges a second. */
  minGap: number;
  /** A hard bound on the number of steps, coarse and fine together. */
  maxSteps: number;
}

export const DEFAULT_CAPACITY_SEARCH: CapacitySearchSettings = { startRate: 25, growth: 2, maxRate: 4000, resolution: 0.05, minGap: 2, maxSteps: 12 };

export interface CapacityStep {
  rate: number;
  passed: boolean;
}

/**
 * The highest rate meeting the objective, by steps on one running stack: the rate doubles (coarse) while steps
 * pass; after the first failure it bisects between the highest passing and the lowest failing rate until the gap
 * is small. Pure: `next()` proposes a rate, `record()` takes the verdict. A failing first step bisects down
 * towards zero, so a stack that cannot carry the start rate still gets a (small) answer.
 */
export class CapacitySearch {
  private readonly steps: CapacityStep[] = [];
  private highestPass = 0;
  private lowestFail = Number.POSITIVE_INFINITY;

  constructor(private readonly settings: CapacitySearchSettings = DEFAULT_CAPACITY_SEARCH) {}

  /** The next rate to try (whole challenges a second), or null when the search is done. */
  next(): number | null {
    const s = this.settings;
    if (this.steps.length >= s.maxSteps) return null;
    if (this.steps.length === 0) return Math.min(s.startRate, s.maxRate);
    if (!Number.isFinite(this.lowestFail)) {
      if (this.highestPass >= s.maxRate) return null;
      return Math.min(s.maxRate, Math.round(this.highestPass * s.growth));
    }
    const gap = this.lowestFail - this.highestPass;
    if (gap <= Math.max(s.minGap, this.highestPass * s.resolution)) return null;
    const middle = Math.round((this.highestPass + this.lowestFail) / 2);
    if (middle <= this.highestPass || middle >= this.lowestFail) return null;
    return middle;
  }

  record(rate: number, passed: boolean): void {
    this.steps.push({ rate, passed });
    if (passed) this.highestPass = Math.max(this.highestPass, rate);
    else this.lowestFail = Math.min(this.lowestFail, rate);
  }

  /** The highest rate that met the objective; 0 when none did. */
  get capacity(): number {
    return this.highestPass;
  }

  get history(): readonly CapacityStep[] {
    return this.steps;
  }
}
