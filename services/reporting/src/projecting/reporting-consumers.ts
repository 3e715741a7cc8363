import type { Kafka } from 'kafkajs';
import { topicName } from '@pushmfa/contracts';
import { ContractConsumer } from '@pushmfa/messaging';
import type { MetricsService } from '@pushmfa/observability';
import { isReportEvent } from '../mfa-report/mfa-report.events';
import { API_KEY_CONSUMER, type ApiKeyProjection } from './api-key.projection';
import { MFA_REPORT_CONSUMER, type MfaReportProjection } from './mfa-report.projection';
import { reportFreshnessRecorder } from './report-freshness.metric';

type Log = (level: 'error' | 'warn' | 'info', message: string, extra?: Record<string, unknown>) => void;

export interface ReportingConsumersOptions {
  kafka: Kafka;
  topicPrefix: string;
  mfaReport: MfaReportProjection;
  apiKeys: ApiKeyProjection;
  /** Told of every registry record the API-key consumer settled (read-your-writes, see ViewFreshness). */
  onRegistrySettled?: (topic: string, partition: number, offset: string) => void;
  log: Log;
  /** Report freshness and dead letters (absent in tests that build the consumers alone). */
  metrics?: MetricsService;
}

/**
 * Two consumer groups: the MFA Report (challenge and delivery topics) and the API-key directory (registry
 * topic), so a slow report rebuild never delays a new admin key. Group ids carry the topic prefix so test runs
 * sharing a broker never join each other's groups.
 */
export function createReportingConsumers(options: ReportingConsumersOptions): ContractConsumer[] {
  const { kafka, topicPrefix, log, metrics } = options;
  const recordFreshness = metrics ? reportFreshnessRecorder(metrics) : undefined;
  const mfaReport = new ContractConsumer({
    kafka,
    groupId: topicPrefix + MFA_REPORT_CONSUMER,
    topics: [topicName('challenge', topicPrefix), topicName('delivery', topicPrefix)],
    // A fetched batch in one transaction (set-based upserts of the rows it touches).
    handleBatch: async (items) => {
      const events = items.map((item) => item.envelope).filter(isReportEvent);
      const applied = await options.mfaReport.applyBatch(events);
      if (recordFreshness) for (const event of applied) recordFreshness(event.type, event.occurredAt);
    },
    log,
    metrics,
  });
  const apiKeys = new ContractConsumer({
    kafka,
    groupId: topicPrefix + API_KEY_CONSUMER,
    topics: [topicName('registry', topicPrefix)],
    handleBatch: (items) => options.apiKeys.applyBatch(items.map((item) => item.envelope)),
    onSettled: options.onRegistrySettled,
    log,
    metrics,
  });
  return [mfaReport, apiKeys];
}
