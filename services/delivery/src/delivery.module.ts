import { type DynamicModule, Module } from '@nestjs/common';
import { ObservabilityModule } from '@pushmfa/observability';
import type { DeliveryConfig } from './config';
import { DeliveryLifecycle } from './delivery.lifecycle';
import { deliveryProviders } from './delivery.providers';
import type { PushProvidersByName } from './dispatching/push-dispatcher';

/** Delivery: HTTP serves only health, metrics and OpenAPI; the work happens in its Kafka consumers. */
@Module({})
export class DeliveryModule {
  /** `pushProviders` are built by the caller (main.ts from push-providers.config.ts; tests against the emulators). */
  static forRoot(config: DeliveryConfig, pushProviders: PushProvidersByName): DynamicModule {
    return {
      module: DeliveryModule,
      imports: [ObservabilityModule.forService({ serviceName: 'delivery' })],
      providers: [...deliveryProviders(config, pushProviders), DeliveryLifecycle],
    };
  }
}
