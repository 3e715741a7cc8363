import type { Provider } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import type { Pool } from 'pg';
import { topicName } from '@pushmfa/contracts';
import { type ContractConsumer, ViewFreshness, serviceKafkaProvider, servicePoolProvider } from '@pushmfa/messaging';
import { MetricsService, leveledLog } from '@pushmfa/observability';
import { createServicePool, PgInbox } from '@pushmfa/postgres';
import type { KeyedSecretBox } from '@pushmfa/service-config';
import { API_KEY_DIRECTORY, ApiKeyDirectory } from '@pushmfa/workspace-access';
import type { ReportingConfig } from './config';
import { DiagnosticsProjection } from './diagnostics/diagnostics.projection';
import { DiagnosticsQueries } from './diagnostics/diagnostics.queries';
import { DiagnosticsSweeper } from './diagnostics/diagnostics-sweeper';
import { API_KEY_CONSUMER, ApiKeyProjection } from './projecting/api-key.projection';
import { DeviceHealthProjection } from './projecting/device-health.projection';
import { MfaReportProjection } from './projecting/mfa-report.projection';
import { createReportingConsumers } from './projecting/reporting-consumers';
import { TestPushProjection } from './projecting/test-push.projection';
import { MfaReportQueries } from './querying/mfa-report.queries';
import { MfaReportSeriesQueries } from './querying/mfa-report-series.queries';
import { MfaReportSummaryQueries } from './querying/mfa-report-summary.queries';
import {
  REGISTRY_FRESHNESS,
  REPORTING_CONFIG,
  REPORTING_CONSUMERS,
  REPORTING_DATABASE,
  REPORTING_KAFKA,
  REPORTING_SCHEMA as SCHEMA,
  WEBHOOK_SECRET_BOX,
  WEBHOOK_TARGET_POLICY,
} from './reporting.di-tokens';
import { TestPushQueries } from './test-pushes/test-push.queries';
import { WebhookEndpoints } from './webhooks/webhook-endpoints';
import { WebhookFanout } from './webhooks/webhook-fanout';
import { webhookSecretBox } from './webhooks/webhook-secrets';
import { WebhookSender } from './webhooks/webhook-sender';
import type { WebhookTargetPolicy } from './webhooks/webhook-target';

/**
 * The reporting service's connections and the parts built on them, each under its token. Nothing connects or starts
 * here: the `ReportingLifecycle` migrates, connects and starts them in order.
 */
export function reportingProviders(config: ReportingConfig): Provider[] {
  return [
    { provide: REPORTING_CONFIG, useValue: config },
    servicePoolProvider(REPORTING_DATABASE, { serviceName: 'reporting', databaseUrl: config.databaseUrl }),
    serviceKafkaProvider(REPORTING_KAFKA, { serviceName: 'reporting', brokers: config.brokers, security: config.kafka }),
    {
      provide: REGISTRY_FRESHNESS,
      inject: [REPORTING_KAFKA],
      useFactory: (kafka: Kafka) =>
        new ViewFreshness({
          kafka,
          topic: topicName('registry', config.topicPrefix),
          groupId: config.topicPrefix + API_KEY_CONSUMER,
          maxWaitMs: config.registryViewMaxWaitMs,
        }),
    },
    { provide: PgInbox, inject: [REPORTING_DATABASE], useFactory: (pool: Pool) => new PgInbox(pool, SCHEMA) },
    {
      provide: ApiKeyDirectory,
      inject: [REPORTING_DATABASE, REGISTRY_FRESHNESS],
      useFactory: (pool: Pool, freshness: ViewFreshness) => new ApiKeyDirectory(pool, SCHEMA, freshness),
    },
    { provide: API_KEY_DIRECTORY, useExisting: ApiKeyDirectory },

    // What the consumers apply the topics to.
    { provide: MfaReportProjection, inject: [PgInbox], useFactory: (inbox: PgInbox) => new MfaReportProjection(inbox, SCHEMA) },
    {
      provide: ApiKeyProjection,
      inject: [PgInbox, ApiKeyDirectory],
      useFactory: (inbox: PgInbox, directory: ApiKeyDirectory) => new ApiKeyProjection(inbox, directory),
    },
    { provide: DeviceHealthProjection, inject: [REPORTING_DATABASE], useFactory: (pool: Pool) => new DeviceHealthProjection(pool, SCHEMA) },
    { provide: TestPushProjection, inject: [PgInbox], useFactory: (inbox: PgInbox) => new TestPushProjection(inbox, SCHEMA) },
    { provide: WebhookFanout, inject: [PgInbox], useFactory: (inbox: PgInbox) => new WebhookFanout(inbox, SCHEMA, config.webhooks.retryWindowMs) },
    { provide: DiagnosticsProjection, inject: [PgInbox], useFactory: (inbox: PgInbox) => new DiagnosticsProjection(inbox, SCHEMA) },
    {
      provide: REPORTING_CONSUMERS,
      inject: [
        REPORTING_KAFKA,
        REGISTRY_FRESHNESS,
        MfaReportProjection,
        ApiKeyProjection,
        DeviceHealthProjection,
        TestPushProjection,
        WebhookFanout,
        DiagnosticsProjection,
        MetricsService,
        PinoLogger,
      ],
      useFactory: (
        kafka: Kafka,
        registryFreshness: ViewFreshness,
        mfaReport: MfaReportProjection,
        apiKeys: ApiKeyProjection,
        deviceHealth: DeviceHealthProjection,
        testPushes: TestPushProjection,
        webhooks: WebhookFanout,
        diagnostics: DiagnosticsProjection,
        metrics: MetricsService,
        logger: PinoLogger,
      ): ContractConsumer[] =>
        createReportingConsumers({
          kafka,
          topicPrefix: config.topicPrefix,
          mfaReport,
          apiKeys,
          deviceHealth,
          testPushes,
          webhooks,
          diagnostics,
          onRegistrySettled: (topic, partition, offset) => registryFreshness.settled(topic, partition, offset),
          log: leveledLog(logger),
          metrics,
        }),
    },

    // Webhooks: the secrets, the endpoints the API manages, the sender.
    { provide: WEBHOOK_SECRET_BOX, useFactory: (): KeyedSecretBox => webhookSecretBox(config.webhooks.secretKey) },
    { provide: WEBHOOK_TARGET_POLICY, useValue: { allowPrivateTargets: config.webhooks.allowPrivateTargets } satisfies WebhookTargetPolicy },
    {
      provide: WebhookEndpoints,
      inject: [REPORTING_DATABASE, WEBHOOK_SECRET_BOX],
      useFactory: (pool: Pool, secrets: KeyedSecretBox) => new WebhookEndpoints(pool, SCHEMA, secrets, config.webhooks.retryWindowMs),
    },
    {
      provide: WebhookSender,
      inject: [REPORTING_DATABASE, WEBHOOK_SECRET_BOX, PinoLogger, MetricsService],
      useFactory: (pool: Pool, secrets: KeyedSecretBox, logger: PinoLogger, metrics: MetricsService) =>
        new WebhookSender(pool, SCHEMA, config.webhooks, secrets, leveledLog(logger), metrics),
    },

    // Shared app logs past their retention.
    {
      provide: DiagnosticsSweeper,
      inject: [REPORTING_DATABASE, PinoLogger],
      useFactory: (pool: Pool, logger: PinoLogger) => new DiagnosticsSweeper(pool, SCHEMA, config.diagnosticsSweepIntervalMs, leveledLog(logger)),
    },

    // What the API reads.
    { provide: MfaReportQueries, inject: [REPORTING_DATABASE], useFactory: (pool: Pool) => new MfaReportQueries(pool, SCHEMA) },
    { provide: MfaReportSummaryQueries, inject: [REPORTING_DATABASE], useFactory: (pool: Pool) => new MfaReportSummaryQueries(pool, SCHEMA) },
    { provide: MfaReportSeriesQueries, inject: [REPORTING_DATABASE], useFactory: (pool: Pool) => new MfaReportSeriesQueries(pool, SCHEMA) },
    { provide: TestPushQueries, inject: [REPORTING_DATABASE], useFactory: (pool: Pool) => new TestPushQueries(pool, SCHEMA) },
    { provide: DiagnosticsQueries, inject: [REPORTING_DATABASE], useFactory: (pool: Pool) => new DiagnosticsQueries(pool, SCHEMA) },
  ];
}
