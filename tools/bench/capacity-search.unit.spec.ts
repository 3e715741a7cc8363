import { CapacitySearch, DEFAULT_CAPACITY_SEARCH, objectiveMisses, stepSecondsAt } from './capacity-search';

/** Drives a search against a stack that carries exactly `capacity` challenges a second. */
function searchAgainst(capacity: number, settings = DEFAULT_CAPACITY_SEARCH) {
  const search = new CapacitySearch(settings);
  const tried: number[] = [];
  for (let rate = search.next(); rate !== null; rate = search.next()) {
    tried.push(rate);
    search.record(rate, rate <= capacity);
  }
  return { found: search.capacity, tried };
}

describe('capacity search', () => {
  it('doubles from the start rate while steps pass, then bisects to within 5 %', () => {
    const { found, tried } = searchAgainst(330);
    expect(tried.slice(0, 6)).toEqual([25, 50, 100, 200, 400, 300]);
    expect(found).toBeLessThanOrEqual(330);
    expect(found).toBeGreaterThanOrEqual(330 * 0.95);
    expect(tried.length).toBeLessThanOrEqual(DEFAULT_CAPACITY_SEARCH.maxSteps);
  });

  it('bisects down from a failing first step, and answers 0 when nothing passes', () => {
    expect(searchAgainst(12).found).toBeGreaterThanOrEqual(10);
    expect(searchAgainst(0).found).toBe(0);
  });

  it('runs a slow step long enough to read its p99 over the samples asked for', () => {
    expect(stepSecondsAt(25, 10, 1000)).toBe(40);
    expect(stepSecondsAt(50, 10, 1000)).toBe(20);
    expect(stepSecondsAt(100, 10, 1000)).toBe(10);
    expect(stepSecondsAt(300, 10, 1000)).toBe(10);
    expect(stepSecondsAt(30, 10, 1000)).toBe(34);
  });

  it('stops at the maximum rate and at the step limit', () => {
    const capped = searchAgainst(10_000, { ...DEFAULT_CAPACITY_SEARCH, maxRate: 150 });
    expect(capped.tried).toEqual([25, 50, 100, 150]);
    expect(capped.found).toBe(150);
    expect(searchAgainst(333, { ...DEFAULT_CAPACITY_SEARCH, maxSteps: 3 }).tried).toEqual([25, 50, 100]);
  });

  it('judges a step by the objective: every challenge approved and each p99 within its bound', () => {
    const summary = (p99: number | null, count = 10) => ({ count, p50: p99, p95: p99, p99, max: p99 });
    const step = (dispatched: number, answer: number, report: number | null, completed = 100) => ({
      allCompleted: completed === 100,
      completed,
      offered: 100,
      latencies: {
        apiCreateMs: summary(5),
        createToProviderMs: summary(5),
        createToDispatchedMs: summary(dispatched),
        approveToAnswerMs: summary(answer),
        createToReportMs: report === null ? summary(null, 0) : summary(report),
      },
    });
    expect(objectiveMisses(step(100, 30, 1000))).toEqual([]);
    expect(objectiveMisses(step(101, 30, 400))).toEqual(['createToDispatchedMs p99 101 > 100 ms']);
    expect(objectiveMisses(step(50, 31, 1001, 99))).toEqual(['99/100 approved', 'approveToAnswerMs p99 31 > 30 ms', 'createToReportMs p99 1001 > 1000 ms']);
    expect(objectiveMisses(step(50, 20, null))).toEqual([]);
  });
});
