import { MetricsService } from '../metrics/metrics.service';
import { ReadinessMetrics } from './readiness-metrics';
import { ReadinessRegistry } from './readiness.registry';

function sampleOf(text: string, series: string): string | undefined {
  return text
    .split('\n')
    .find((line) => line.startsWith(series + ' '))
    ?.split(' ')[1];
}

describe('readiness metrics', () => {
  it('show each check and the overall readiness at scrape time, as the probe would answer', async () => {
    const metrics = new MetricsService('challenge');
    const readiness = new ReadinessRegistry();
    let databaseUp = true;
    readiness.register('database', () => databaseUp);
    readiness.register('redis', () => true);
    new ReadinessMetrics(metrics, readiness).onModuleInit();

    let text = await metrics.render();
    expect(sampleOf(text, 'service_ready{service="challenge"}')).toBe('1');
    expect(sampleOf(text, 'readiness_check_up{check="database",service="challenge"}')).toBe('1');

    databaseUp = false;
    text = await metrics.render();
    expect(sampleOf(text, 'service_ready{service="challenge"}')).toBe('0');
    expect(sampleOf(text, 'readiness_check_up{check="database",service="challenge"}')).toBe('0');
    expect(sampleOf(text, 'readiness_check_up{check="redis",service="challenge"}')).toBe('1');
  });

  it('run each check once per scrape for both gauges', async () => {
    const metrics = new MetricsService('reporting');
    const readiness = new ReadinessRegistry();
    let calls = 0;
    readiness.register('database', () => ++calls > 0);
    new ReadinessMetrics(metrics, readiness).onModuleInit();
    await metrics.render();
    expect(calls).toBe(1);
    await metrics.render();
    expect(calls).toBe(2);
  });

  it('count a check that throws as down, and report shutting down', async () => {
    const metrics = new MetricsService('delivery');
    const readiness = new ReadinessRegistry();
    readiness.register('broker', () => {
      throw new Error('broker gone');
    });
    new ReadinessMetrics(metrics, readiness).onModuleInit();
    readiness.markShuttingDown();
    const text = await metrics.render();
    expect(sampleOf(text, 'readiness_check_up{check="broker",service="delivery"}')).toBe('0');
    expect(sampleOf(text, 'readiness_check_up{check="shutdown",service="delivery"}')).toBe('0');
    expect(sampleOf(text, 'service_ready{service="delivery"}')).toBe('0');
  });
});
