import type { Kafka } from 'kafkajs';
import { topicName } from '@pushmfa/contracts';
import { ContractConsumer } from '@pushmfa/messaging';
import { isReportEvent } from '../mfa-report/mfa-report.events';
import { API_KEY_CONSUMER, type ApiKeyProjection } from './api-key.projection';
import { MFA_REPORT_CONSUMER, type MfaReportProjection } from './mfa-report.projection';

type Log = (level: 'error' | 'warn' | 'info', message: string, extra?: Record<string, unknown>) => void;

export interface ReportingConsumersOptions {
  kafka: Kafka;
  topicPrefix: string;
  mfaReport: MfaReportProjection;
  apiKeys: ApiKeyProjection;
  /** Told of every registry record the API-key consumer settled (read-your-writes, see ViewFreshness). */
  onRegistrySettled?: (topic: string, partition: number, offset: string) => void;
  log: Log;
}

/**
 * Two consumer groups: the MFA Report (challenge and delivery topics) and the API-key directory (registry
 * topic), so a slow report rebuild never delays a new admin key. Group ids carry the topic prefix so test runs
 * sharing a broker never join each other's groups.
 */
export function createReportingConsumers(options: ReportingConsumersOptions): ContractConsumer[] {
  const { kafka, topicPrefix, log } = options;
  const mfaReport = new ContractConsumer({
    kafka,
    groupId: topicPrefix + MFA_REPORT_CONSUMER,
    topics: [topicName('challenge', topicPrefix), topicName('delivery', topicPrefix)],
    handle: async (envelope) => {
      if (isReportEvent(envelope)) await options.mfaReport.apply(envelope);
    },
    log,
  });
  const apiKeys = new ContractConsumer({
    kafka,
    groupId: topicPrefix + API_KEY_CONSUMER,
    topics: [topicName('registry', topicPrefix)],
    handle: (envelope) => options.apiKeys.apply(envelope),
    onSettled: options.onRegistrySettled,
    log,
  });
  return [mfaReport, apiKeys];
}
