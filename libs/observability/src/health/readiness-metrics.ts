import { Injectable } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { MetricsService } from '../metrics/metrics.service';
import { ReadinessRegistry } from './readiness.registry';

/**
 * Readiness as Prometheus sees it: `service_ready` (1 when `/health/ready` would answer 200) and
 * `readiness_check_up{check}` per registered check (database, broker, redis, consumers, shutdown), evaluated at
 * scrape time with the same checks and timeouts the probe uses. Check names are fixed in code, so the label set stays
 * bounded. The alerts on PostgreSQL, Redis and Kafka being unavailable read these.
 */
@Injectable()
export class ReadinessMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly readiness: ReadinessRegistry,
  ) {}

  onModuleInit(): void {
    const readiness = this.readiness;
    // One evaluation per scrape serves both gauges: prom-client calls every collect in one synchronous pass, so the
    // second collect finds the first one's evaluation still running; the next scrape starts a fresh one.
    let evaluation: ReturnType<ReadinessRegistry['evaluate']> | undefined;
    const evaluate = () => {
      evaluation ??= readiness.evaluate().finally(() => (evaluation = undefined));
      return evaluation;
    };
    this.metrics.gauge({
      name: 'service_ready',
      help: 'Whether the service answers /health/ready with 200: every dependency usable and not shutting down (1) or not (0)',
      async collect() {
        this.set((await evaluate()).ready ? 1 : 0);
      },
    });
    this.metrics.gauge({
      name: 'readiness_check_up',
      help: 'Each readiness check as the service sees its dependency: 1 up, 0 down (database, broker, redis, consumers, shutdown)',
      labelNames: ['check'],
      async collect() {
        const report = await evaluate();
        this.reset();
        for (const [check, status] of Object.entries(report.checks)) this.set({ check }, status === 'up' ? 1 : 0);
      },
    });
  }
}
