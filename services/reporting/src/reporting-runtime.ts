import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { type ContractConsumer, ServiceRuntime, ViewFreshness } from '@pushmfa/messaging';
import { topicName } from '@pushmfa/contracts';
import { MetricsService, ReadinessRegistry } from '@pushmfa/observability';
import { ApiKeyDirectory } from '@pushmfa/workspace-access';
import type { ReportingConfig } from './config';
import { migrateReportingSchema } from './database/reporting-schema.migration';
import { API_KEY_CONSUMER, ApiKeyProjection } from './projecting/api-key.projection';
import { DeviceHealthProjection } from './projecting/device-health.projection';
import { MfaReportProjection } from './projecting/mfa-report.projection';
import { createReportingConsumers } from './projecting/reporting-consumers';
import { TestPushProjection } from './projecting/test-push.projection';
import { PgInbox } from '@pushmfa/postgres';
import { WebhookFanout } from './webhooks/webhook-fanout';
import { WebhookSecretBox } from './webhooks/webhook-secret-box';
import { WebhookSender } from './webhooks/webhook-sender';
import { DiagnosticsProjection } from './diagnostics/diagnostics.projection';
import { DiagnosticsSweeper } from './diagnostics/diagnostics-sweeper';

export const REPORTING_CONFIG = Symbol('REPORTING_CONFIG');
export const REPORTING_SCHEMA = 'reporting';

/** The reporting service's connections and background work: PostgreSQL, the Kafka consumers, the webhook sender, readiness. */
@Injectable()
export class ReportingRuntime implements OnModuleInit, OnApplicationShutdown {
  readonly runtime: ServiceRuntime;
  readonly apiKeys: ApiKeyDirectory;
  private readonly consumers: ContractConsumer[];
  /** Seals and opens webhook endpoint secrets (encrypted when WEBHOOK_SECRET_KEY is set). */
  readonly webhookSecrets: WebhookSecretBox;
  private readonly webhookSender: WebhookSender;
  /** Deletes shared app logs past their retention (DIAGNOSTICS_SWEEP_INTERVAL_MS). */
  readonly diagnosticsSweeper: DiagnosticsSweeper;
  /** Shows the API-key directory is current before a key is trusted; 503 when it cannot. */
  private readonly registryFreshness: ViewFreshness;

  constructor(
    @Inject(REPORTING_CONFIG) config: ReportingConfig,
    private readonly readiness: ReadinessRegistry,
    private readonly logger: PinoLogger,
    metrics: MetricsService,
  ) {
    const log = (level: 'error' | 'warn' | 'info', message: string, extra?: Record<string, unknown>) => this.logger[level](extra ?? {}, message);
    this.runtime = new ServiceRuntime({
      serviceName: 'reporting',
      databaseUrl: config.databaseUrl,
      schema: REPORTING_SCHEMA,
      brokers: config.brokers,
      kafka: config.kafka,
      topicPrefix: config.topicPrefix,
      log,
    });
    const inbox = new PgInbox(this.runtime.pool, REPORTING_SCHEMA);
    this.registryFreshness = new ViewFreshness({
      kafka: this.runtime.kafka,
      topic: topicName('registry', config.topicPrefix),
      groupId: config.topicPrefix + API_KEY_CONSUMER,
      maxWaitMs: config.registryViewMaxWaitMs,
    });
    this.apiKeys = new ApiKeyDirectory(this.runtime.pool, REPORTING_SCHEMA, this.registryFreshness);
    this.consumers = createReportingConsumers({
      kafka: this.runtime.kafka,
      topicPrefix: config.topicPrefix,
      mfaReport: new MfaReportProjection(inbox, REPORTING_SCHEMA),
      apiKeys: new ApiKeyProjection(inbox, this.apiKeys),
      deviceHealth: new DeviceHealthProjection(this.runtime.pool, REPORTING_SCHEMA),
      testPushes: new TestPushProjection(inbox, REPORTING_SCHEMA),
      webhooks: new WebhookFanout(inbox, REPORTING_SCHEMA, config.webhooks.retryWindowMs),
      diagnostics: new DiagnosticsProjection(inbox, REPORTING_SCHEMA),
      onRegistrySettled: (topic, partition, offset) => this.registryFreshness.settled(topic, partition, offset),
      log,
      metrics,
    });
    this.diagnosticsSweeper = new DiagnosticsSweeper(this.runtime.pool, REPORTING_SCHEMA, config.diagnosticsSweepIntervalMs, log);
    this.webhookSecrets = new WebhookSecretBox(config.webhooks.secretKey);
    this.webhookSender = new WebhookSender(this.runtime.pool, REPORTING_SCHEMA, config.webhooks, this.webhookSecrets, log, metrics);
    if (!this.webhookSecrets.encrypts && config.mode === 'production') {
      log('warn', 'WEBHOOK_SECRET_KEY is not set: webhook signing secrets are stored unencrypted in the database');
    }
  }

  async onModuleInit(): Promise<void> {
    await migrateReportingSchema(this.runtime.pool, REPORTING_SCHEMA);
    await this.registryFreshness.start();
    await Promise.all(this.consumers.map((consumer) => consumer.start()));
    this.webhookSender.start();
    this.diagnosticsSweeper.start();
    this.readiness.register('database', () => this.runtime.databaseAnswers());
    this.readiness.register('consumers', () => this.consumers.every((consumer) => consumer.isReady));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.stop().catch(() => undefined)));
    await this.webhookSender.stop();
    await this.diagnosticsSweeper.stop();
    await this.registryFreshness.stop();
    await this.runtime.close();
  }
}
