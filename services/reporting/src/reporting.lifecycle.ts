import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import type { Pool } from 'pg';
import type { ContractConsumer, ViewFreshness } from '@pushmfa/messaging';
import { ReadinessRegistry } from '@pushmfa/observability';
import { databaseAnswers, type Housekeeping, PgInbox } from '@pushmfa/postgres';
import type { KeyedSecretBox } from '@pushmfa/service-config';
import type { ReportingConfig } from './config';
import { migrateReportingSchema } from './database/reporting-schema.migration';
import { DiagnosticsSweeper } from './diagnostics/diagnostics-sweeper';
import { REGISTRY_FRESHNESS, REPORTING_CONFIG, REPORTING_CONSUMERS, REPORTING_DATABASE, REPORTING_SCHEMA, WEBHOOK_SECRET_BOX } from './reporting.di-tokens';
import { WebhookSender } from './webhooks/webhook-sender';

/**
 * Starts and stops reporting's moving parts in one declared order. Up: its tables (one migration), the API-key
 * directory's freshness probe, the consumer groups, the webhook sender, the diagnostics sweeper, the inbox's pruning;
 * only then readiness. Down: the pruning and the consumers stop before HTTP closes; after the last request the sender
 * (its attempts in flight are recorded), the sweeper, the probe, then the pool.
 */
@Injectable()
export class ReportingLifecycle implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private housekeeping: Housekeeping | undefined;

  constructor(
    @Inject(REPORTING_CONFIG) private readonly config: ReportingConfig,
    @Inject(REPORTING_DATABASE) private readonly pool: Pool,
    @Inject(REGISTRY_FRESHNESS) private readonly registryFreshness: ViewFreshness,
    @Inject(REPORTING_CONSUMERS) private readonly consumers: ContractConsumer[],
    @Inject(WEBHOOK_SECRET_BOX) private readonly webhookSecrets: KeyedSecretBox,
    private readonly webhookSender: WebhookSender,
    private readonly diagnosticsSweeper: DiagnosticsSweeper,
    private readonly inbox: PgInbox,
    private readonly readiness: ReadinessRegistry,
    private readonly logger: PinoLogger,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.webhookSecrets.encrypts && this.config.mode === 'production') {
      this.logger.warn({}, 'WEBHOOK_SECRET_KEY is not set: webhook signing secrets are stored unencrypted in the database');
    }
    await migrateReportingSchema(this.pool, REPORTING_SCHEMA);
    await this.registryFreshness.start();
    await Promise.all(this.consumers.map((consumer) => consumer.start()));
    this.webhookSender.start();
    this.diagnosticsSweeper.start();
    // Processed message ids older than the broker keeps records go, now and then.
    this.housekeeping = this.inbox.housekeeping((error) => this.logger.warn({ err: error }, 'inbox prune failed'));
    this.housekeeping.start();
    this.readiness.register('database', () => databaseAnswers(this.pool));
    this.readiness.register('consumers', () => this.consumers.every((consumer) => consumer.isReady));
  }

  /** Stop consuming before HTTP closes; in-flight requests still finish. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.housekeeping?.stop();
    await Promise.all(this.consumers.map((consumer) => consumer.stop().catch(() => undefined)));
  }

  /** After the last request. */
  async onApplicationShutdown(): Promise<void> {
    await this.webhookSender.stop();
    await this.diagnosticsSweeper.stop();
    await this.registryFreshness.stop();
    await this.pool.end().catch(() => undefined);
  }
}
