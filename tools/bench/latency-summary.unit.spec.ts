import { LatencySamples, summarizeLatencies } from './latency-summary';

describe('latency summary', () => {
  it('reads nearest-rank percentiles from every sample', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(summarizeLatencies(values)).toEqual({ count: 100, p50: 50, p95: 95, p99: 99, max: 100 });
  });

  it('says there is nothing to summarise rather than inventing zeros', () => {
    expect(new LatencySamples().summary()).toEqual({ count: 0, p50: null, p95: null, p99: null, max: null });
  });

  it('ignores a sample that is not a number', () => {
    const samples = new LatencySamples();
    samples.add(Number.NaN);
    samples.add(3.14159);
    expect(samples.summary()).toMatchObject({ count: 1, p50: 3.1, max: 3.1 });
  });
});
