import { trace } from '@opentelemetry/api';
import { injectTraceparent, runInSpan, safeAttributes, startConsumerSpan, startSpan, withExtractedContext } from './trace-propagation';
import { shutdownTracing, startTracing } from './tracing';

const PRODUCER_TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('trace propagation', () => {
  beforeAll(() => startTracing('tracing-test', { TRACE_SAMPLE_RATIO: '1' }));
  afterAll(() => shutdownTracing());

  it('has no traceparent outside any span', () => {
    expect(injectTraceparent()).toBeUndefined();
  });

  it('injects the traceparent of the active span, even with no exporter configured', async () => {
    const traceparent = await runInSpan(startSpan('publish'), () => injectTraceparent());
    expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it('continues the producer trace in withExtractedContext', () => {
    const seen = withExtractedContext(PRODUCER_TRACEPARENT, () => injectTraceparent());
    expect(seen).toBe(PRODUCER_TRACEPARENT);
  });

  it('starts a consumer span in the producer trace, active inside runInSpan', async () => {
    const span = startConsumerSpan('consume ChallengeIssued', PRODUCER_TRACEPARENT, { 'messaging.destination.name': 'pushmfa.challenge.v1' });
    expect(span.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    const activeTraceId = await runInSpan(span, () => trace.getActiveSpan()?.spanContext().traceId);
    expect(activeTraceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('records a failure and rethrows it', async () => {
    await expect(runInSpan(startSpan('fails'), () => Promise.reject(new Error('nope')))).rejects.toThrow('nope');
  });

  it('keeps secrets out of span attributes', () => {
    expect(safeAttributes({ 'device.pushToken': 'apns-abcdefghij', 'pairing.secret': 's', 'workspace.apiKey': 'k', 'user.id': 'u1' })).toEqual({
      'device.pushToken': '…efghij',
      'user.id': 'u1',
    });
  });
});
