import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CounterConfiguration, GaugeConfiguration, HistogramConfiguration, Metric } from 'prom-client';

type Unregistered<T> = Omit<T, 'registers'>;

/**
 * Milliseconds between the samples of the event-loop lag metrics. Node's monitorEventLoopDelay records each sample's
 * whole interval, this period included, and prom-client does not subtract it: nodejs_eventloop_lag_*_seconds read
 * this much more than the loop's delay (the dashboard's panel subtracts it).
 */
export const EVENT_LOOP_MONITORING_PRECISION_MS = 100;

/** The process's one Prometheus registry; services add their own metrics through it. */
export class MetricsService {
  readonly registry = new Registry();
  readonly httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>;

  constructor(readonly serviceName: string) {
    this.registry.setDefaultLabels({ service: serviceName });
    // The event-loop lag metrics sample with a timer: every 10 ms by default, which wakes an idle process 100 times a
    // second. Every 100 ms still shows a blocked loop in nodejs_eventloop_lag_* at a tenth of the idle cost.
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: EVENT_LOOP_MONITORING_PRECISION_MS });
    this.httpRequestDuration = this.histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by method, route template and status code',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    });
  }

  /** Returns the counter named `config.name`, creating it on first use (so modules may ask twice). */
  counter<L extends string>(config: Unregistered<CounterConfiguration<L>>): Counter<L> {
    return this.existing<Counter<L>>(config.name) ?? new Counter({ ...config, registers: [this.registry] });
  }

  histogram<L extends string>(config: Unregistered<HistogramConfiguration<L>>): Histogram<L> {
    return this.existing<Histogram<L>>(config.name) ?? new Histogram({ ...config, registers: [this.registry] });
  }

  gauge<L extends string>(config: Unregistered<GaugeConfiguration<L>>): Gauge<L> {
    return this.existing<Gauge<L>>(config.name) ?? new Gauge({ ...config, registers: [this.registry] });
  }

  /** Prometheus text exposition of every metric. */
  async render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private existing<T extends Metric>(name: string): T | undefined {
    return this.registry.getSingleMetric(name) as T | undefined;
  }
}
