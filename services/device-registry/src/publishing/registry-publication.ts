import { Inject, Injectable } from '@nestjs/common';
import type { GlobalPosition } from '@pushmfa/event-store';
import { EventStoreKafkaRelay } from '@pushmfa/messaging';
import type { RegistryConfig } from '../config';
import { REGISTRY_CONFIG } from '../device-registry.di-tokens';

/**
 * A write that other services must honour at once (keys, settings, paired and revoked devices) answers only after
 * its event is on Kafka: a service that reads the registry topic up to its end then has it.
 */
@Injectable()
export class RegistryPublication {
  constructor(
    private readonly relay: EventStoreKafkaRelay,
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
  ) {}

  /**
   * Returns once the relay has published the write's events. Throws `unavailable` (503) when it has not within
   * `publishWaitMs`; the change is stored and the registry honours it, and the call may be repeated.
   */
  async published(result: { position?: GlobalPosition }): Promise<void> {
    if (result.position) await this.relay.awaitPublished(result.position, this.config.publishWaitMs);
  }
}
