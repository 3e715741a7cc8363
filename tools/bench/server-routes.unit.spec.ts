import { parseGroupCommitTotals, parseRouteHistograms, routeHistogramsBetween, summarizeGroupCommit, summarizeRoutes } from './server-routes';

const scrape = (counts: Record<string, number>, route = '/v1/challenges/:challengeId/respond', status = '200') =>
  Object.entries(counts)
    .map(([le, n]) => `http_request_duration_seconds_bucket{le="${le}",method="POST",route="${route}",status_code="${status}",service="challenge"} ${n}`)
    .join('\n');

describe('server route latencies from the request-duration histogram', () => {
  it('sums status codes, subtracts the scrape before the run and estimates quantiles within buckets', () => {
    const before = parseRouteHistograms(scrape({ '0.005': 10, '0.01': 10, '0.025': 10, '+Inf': 10 }));
    const after = parseRouteHistograms(
      [scrape({ '0.005': 60, '0.01': 100, '0.025': 109, '+Inf': 110 }), scrape({ '0.005': 0, '0.01': 0, '0.025': 0, '+Inf': 0 }, undefined, '409')].join('\n'),
    );
    const summary = summarizeRoutes(routeHistogramsBetween(before, after));
    const respond = summary['POST /v1/challenges/:challengeId/respond']!;
    expect(respond.count).toBe(100);
    // Rank 50 falls in the first bucket (50 of 100 below 5 ms): 5 ms exactly.
    expect(respond.p50Ms).toBe(5);
    // Rank 99 falls in (10, 25] ms: 99 of 100 at 25 ms, 90 at 10 ms → 10 + 15 × 9/9.
    expect(respond.p99Ms).toBe(25);
  });

  it('leaves out routes without requests and ignores other metrics', () => {
    const text = ['# HELP x', 'process_cpu_seconds_total 3', scrape({ '0.005': 0, '+Inf': 0 })].join('\n');
    expect(summarizeRoutes(parseRouteHistograms(text))).toEqual({});
  });

  it('reads the group-commit batches per command between two scrapes', () => {
    const batches = (command: string, count: number, sum: number) =>
      [
        `challenge_group_commit_batch_size_bucket{le="1",command="${command}"} ${count}`,
        `challenge_group_commit_batch_size_sum{command="${command}"} ${sum}`,
        `challenge_group_commit_batch_size_count{command="${command}"} ${count}`,
      ].join('\n');
    const before = parseGroupCommitTotals([batches('issue', 10, 10), batches('response', 0, 0)].join('\n'));
    const after = parseGroupCommitTotals([batches('issue', 40, 130), batches('response', 25, 100), scrape({ '+Inf': 3 })].join('\n'));
    expect(summarizeGroupCommit(before, after)).toEqual({
      issue: { batches: 30, requests: 120, meanBatch: 4 },
      response: { batches: 25, requests: 100, meanBatch: 4 },
    });
    expect(summarizeGroupCommit(after, after).issue).toEqual({ batches: 0, requests: 0, meanBatch: null });
  });
});
