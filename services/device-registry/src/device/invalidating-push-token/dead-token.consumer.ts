import { type BeforeApplicationShutdown, Injectable, type OnModuleInit } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { type ContractEnvelope, isEnvelopeOf, topicName } from '@pushmfa/contracts';
import { ContractConsumer } from '@pushmfa/messaging';
import { MetricsService, ReadinessRegistry } from '@pushmfa/observability';
import { REGISTRY_SCHEMA, RegistryRuntime } from '../../registry-runtime';
import { DeviceCommands } from '../device-commands';
import { PgInbox } from '@pushmfa/postgres';

export const DEAD_TOKEN_CONSUMER = 'device-registry.dead-tokens';

/** Marks a device's push token invalid when delivery reports it dead (PushRejected), once per message. */
@Injectable()
export class DeadTokenConsumer implements OnModuleInit, BeforeApplicationShutdown {
  private readonly consumer: ContractConsumer;
  private readonly inbox: PgInbox;

  constructor(
    private readonly runtime: RegistryRuntime,
    private readonly devices: DeviceCommands,
    private readonly readiness: ReadinessRegistry,
    logger: PinoLogger,
    metrics: MetricsService,
  ) {
    const { config } = runtime;
    this.inbox = new PgInbox(runtime.runtime.pool, REGISTRY_SCHEMA);
    this.consumer = new ContractConsumer({
      kafka: runtime.runtime.kafka,
      groupId: `${config.topicPrefix}${DEAD_TOKEN_CONSUMER}`,
      topics: [topicName('delivery', config.topicPrefix)],
      log: (level, message, extra) => logger[level](extra ?? {}, message),
      metrics,
      // The topic is mostly PushDispatched: skipped unvalidated. A dead token may wait a second to be marked, so
      // one fetch takes up to a second's worth of records rather than one round trip per push.
      handledTypes: ['PushRejected'],
      fetchMaxWaitMs: 1000,
      fetchMinBytes: 64 * 1024,
      handle: (envelope) => this.handle(envelope),
    });
  }

  async onModuleInit(): Promise<void> {
    // The devices table too: this consumer may start before the runtime has migrated it.
    await this.runtime.runtime.migrateSchema(async (client) => {
      await this.inbox.migrate(client);
      await this.runtime.devices.migrate(client);
    });
    await this.consumer.start();
    this.readiness.register('dead-token-consumer', () => this.consumer.isReady);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop().catch(() => undefined);
  }

  private async handle(envelope: ContractEnvelope): Promise<void> {
    if (!isEnvelopeOf(envelope, 'PushRejected')) return;
    const { deviceId, reason } = envelope.data;
    // The decider ignores a repeat (already invalid) and a stale report (the token was rotated since): safe to redo.
    await this.inbox.handleOnce(DEAD_TOKEN_CONSUMER, envelope.id, async () => {
      const device = await this.runtime.devices.find(deviceId);
      // A device of another workspace, or one this registry never paired, is not ours to change.
      if (!device || device.workspaceId !== envelope.workspaceId) return;
      await this.devices.execute(device, { type: 'InvalidatePushToken', reason, rejectedAt: envelope.occurredAt });
    });
  }
}
