import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, NoopSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';

let sdk: NodeSDK | undefined;

/** Default share of new traces that are recorded (TRACE_SAMPLE_RATIO); a caller's sampled traceparent is always followed. */
export const DEFAULT_TRACE_SAMPLE_RATIO = 0.05;

/** TRACE_SAMPLE_RATIO as a number from 0 to 1; an invalid value stops the start rather than tracing everything. */
export function traceSampleRatio(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.TRACE_SAMPLE_RATIO;
  if (raw === undefined || raw === '') return DEFAULT_TRACE_SAMPLE_RATIO;
  const ratio = Number(raw);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) throw new Error(`TRACE_SAMPLE_RATIO must be a number from 0 to 1; got "${raw}"`);
  return ratio;
}

/**
 * Starts OpenTelemetry for this process. Call it first thing in main.ts, before Nest loads.
 * Spans are exported over OTLP/HTTP only when OTEL_EXPORTER_OTLP_ENDPOINT is set; without it spans
 * still get ids and propagate (so traceparent reaches Kafka), they are just not shipped anywhere.
 * Sampling is parent-based: a request or record whose traceparent says "sampled" is recorded, and a trace that starts
 * here is recorded with probability TRACE_SAMPLE_RATIO. An unsampled span costs almost nothing but still has ids, so
 * every log line and every Kafka record carries a trace id either way.
 */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): void {
  if (sdk) return;
  const exportEnabled = Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  // A no-op processor still makes the SDK install a real tracer provider, so ids are generated.
  const spanProcessor: SpanProcessor = exportEnabled ? new BatchSpanProcessor({ exporter: new OTLPTraceExporter() }) : new NoopSpanProcessor();
  const sampler = new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(traceSampleRatio(env)) });
  sdk = new NodeSDK({
    serviceName,
    sampler,
    textMapPropagator: new W3CTraceContextPropagator(),
    spanProcessors: [spanProcessor],
    // Without these the SDK would set up OTLP log and metric exporters from its env defaults.
    logRecordProcessors: [],
    metricReaders: [],
    instrumentations: [],
  });
  sdk.start();
}

/** Flushes pending spans and stops the SDK; safe to call when tracing never started. */
export async function shutdownTracing(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  await running?.shutdown();
}
