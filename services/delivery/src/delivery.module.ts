import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { MetricsService, ObservabilityModule } from '@pushmfa/observability';
import type { DeliveryConfig } from './config';
import { DELIVERY_RUNTIME, DeliveryLifecycle } from './delivery-lifecycle';
import { buildDeliveryRuntime } from './delivery-runtime.factory';
import type { PushProvidersByName } from './dispatching/push-dispatcher';

export interface DeliveryModuleOptions {
  config: DeliveryConfig;
  /** Built by the caller (main.ts from push-providers.config.ts; tests against the emulators). */
  providers: PushProvidersByName;
}

/** Delivery: HTTP serves only health, metrics and OpenAPI; the work happens in its Kafka consumers. */
@Module({})
export class DeliveryModule {
  static register(options: DeliveryModuleOptions): DynamicModule {
    return {
      module: DeliveryModule,
      imports: [ObservabilityModule.forService({ serviceName: 'delivery' })],
      providers: [
        {
          provide: DELIVERY_RUNTIME,
          inject: [MetricsService],
          useFactory: (metrics: MetricsService) => buildDeliveryRuntime(options.config, options.providers, metrics),
        },
        DeliveryLifecycle,
      ],
    };
  }
}
