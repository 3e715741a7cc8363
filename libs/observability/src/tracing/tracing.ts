import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, NoopSpanProcessor } from '@opentelemetry/sdk-trace';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';

let sdk: NodeSDK | undefined;

/**
 * Starts OpenTelemetry for this process. Call it first thing in main.ts, before Nest loads.
 * Spans are exported over OTLP/HTTP only when OTEL_EXPORTER_OTLP_ENDPOINT is set; without it spans
 * still get ids and propagate (so traceparent reaches Kafka), they are just not shipped anywhere.
 */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): void {
  if (sdk) return;
  const exportEnabled = Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  // A no-op processor still makes the SDK install a real tracer provider, so ids are generated.
  const spanProcessor: SpanProcessor = exportEnabled ? new BatchSpanProcessor({ exporter: new OTLPTraceExporter() }) : new NoopSpanProcessor();
  sdk = new NodeSDK({
    serviceName,
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
