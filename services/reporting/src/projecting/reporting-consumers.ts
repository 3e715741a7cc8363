import type { Kafka } from 'kafkajs';
import { type EventType, topicName } from '@pushmfa/contracts';
import { ContractConsumer } from '@pushmfa/messaging';
import type { MetricsService } from '@pushmfa/observability';
import { isReportEvent, REPORT_EVENT_TYPES } from '../mfa-report/mfa-report.events';
import { API_KEY_CONSUMER, type ApiKeyProjection } from './api-key.projection';
import type { DeviceHealthProjection } from './device-health.projection';
import { MFA_REPORT_CONSUMER, type MfaReportProjection } from './mfa-report.projection';
import { reportFreshnessRecorder } from './report-freshness.metric';
import type { TestPushProjection } from './test-push.projection';
import { TEST_PUSH_EVENT_TYPES } from '../test-pushes/test-push.facts';
import { WEBHOOK_CONSUMER, type WebhookFanout } from '../webhooks/webhook-fanout';
import { WEBHOOK_SOURCE_TYPES } from '../webhooks/webhook-events';
import type { DiagnosticsProjection } from '../diagnostics/diagnostics.projection';

type Log = (level: 'error' | 'warn' | 'info', message: string, extra?: Record<string, unknown>) => void;

export interface ReportingConsumersOptions {
  kafka: Kafka;
  topicPrefix: string;
  mfaReport: MfaReportProjection;
  apiKeys: ApiKeyProjection;
  /** The devices' names and last health, from the registry topic (absent in tests that build the report consumers alone). */
  deviceHealth?: DeviceHealthProjection;
  /** Admins' test pushes, from the registry and delivery topics (absent in tests that build the report consumers alone). */
  testPushes?: TestPushProjection;
  /** Turns security events into webhook deliveries (absent in tests that build the report consumers alone). */
  webhooks?: WebhookFanout;
  /** Stores the app logs users share (absent in tests that build the report consumers alone). */
  diagnostics?: DiagnosticsProjection;
  /** Told of every registry record the API-key consumer settled (read-your-writes, see ViewFreshness). */
  onRegistrySettled?: (topic: string, partition: number, offset: string) => void;
  log: Log;
  /** Report freshness and dead letters (absent in tests that build the consumers alone). */
  metrics?: MetricsService;
}

/**
 * Three consumer groups. The MFA Report's reads the challenge and delivery topics and the registry topic, and applies
 * each fetched batch to everything reporting keeps of them: the report rows (and the admins' lifts of push locks),
 * the admins' test pushes, the app logs users shared, each projection in its own transaction with its own inbox
 * marks (a projection with nothing in the batch costs nothing). The API-key directory has its own (registry topic),
 * so a slow report rebuild never delays a new admin key, and so do the webhooks (the security events of the challenge
 * and registry topics), so a report or key problem never holds up an alert, nor an alert those. Group ids carry the
 * topic prefix so test runs sharing a broker never join each other's groups.
 */
export function createReportingConsumers(options: ReportingConsumersOptions): ContractConsumer[] {
  const { kafka, topicPrefix, log, metrics, testPushes, diagnostics } = options;
  const recordFreshness = metrics ? reportFreshnessRecorder(metrics) : undefined;
  const mfaReport = new ContractConsumer({
    kafka,
    groupId: topicPrefix + MFA_REPORT_CONSUMER,
    topics: [topicName('challenge', topicPrefix), topicName('delivery', topicPrefix), topicName('registry', topicPrefix)],
    handledTypes: [
      ...new Set<EventType>([...REPORT_EVENT_TYPES, ...(testPushes ? TEST_PUSH_EVENT_TYPES : []), ...(diagnostics ? (['DiagnosticsShared'] as const) : [])]),
    ],
    // After a fetch with records the next one waits 250 ms: a fetch, a transaction per projection and an offset
    // commit then carry several challenges' events instead of one, the first event after a quiet spell is reported at
    // once, a report row lands well within the second its objective allows, and an idle group asks every 2 s.
    gatherMs: 250,
    // A fetched batch in one transaction per projection (set-based upserts of the rows it touches).
    handleBatch: async (items) => {
      const envelopes = items.map((item) => item.envelope);
      const applied = await options.mfaReport.applyBatch(envelopes.filter(isReportEvent));
      if (recordFreshness) for (const event of applied) recordFreshness(event.type, event.occurredAt);
      await testPushes?.applyBatch(envelopes);
      await diagnostics?.applyBatch(envelopes);
    },
    log,
    metrics,
  });
  const apiKeys = new ContractConsumer({
    kafka,
    groupId: topicPrefix + API_KEY_CONSUMER,
    topics: [topicName('registry', topicPrefix)],
    // Also keeps the devices' last health: a small, rare write next to the keys' on the same topic.
    handleBatch: async (items) => {
      const envelopes = items.map((item) => item.envelope);
      await options.apiKeys.applyBatch(envelopes);
      await options.deviceHealth?.applyBatch(envelopes);
    },
    onSettled: options.onRegistrySettled,
    log,
    metrics,
  });
  const consumers = [mfaReport, apiKeys];
  const webhooks = options.webhooks;
  if (webhooks) {
    consumers.push(
      new ContractConsumer({
        kafka,
        groupId: topicPrefix + WEBHOOK_CONSUMER,
        topics: [topicName('challenge', topicPrefix), topicName('registry', topicPrefix)],
        handledTypes: Object.keys(WEBHOOK_SOURCE_TYPES) as Array<keyof typeof WEBHOOK_SOURCE_TYPES>,
        // A few rare types from two busy topics: after a fetch with records the next one waits a second, so this
        // group costs at most a fetch a second rather than one per challenge event; an alert leaves within seconds.
        gatherMs: 1000,
        handleBatch: (items) => webhooks.applyBatch(items.map((item) => item.envelope)),
        log,
        metrics,
      }),
    );
  }
  return consumers;
}
