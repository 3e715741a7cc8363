import { startTracing } from '@pushmfa/observability';
startTracing('delivery');

import { Logger, type Type } from '@nestjs/common';
import { createServiceApp } from '@pushmfa/http';
import { type DeliveryConfig, loadDeliveryConfig } from './config';
import { DeliveryModule } from './delivery.module';
import type { PushProvidersByName } from './dispatching/push-dispatcher';
import { setUpPushProviders } from './push-provider-setup';

/** Starts delivery with the push providers the caller built; tests call this with their own config, providers and port 0. */
export async function startDelivery(config: DeliveryConfig, pushProviders: PushProvidersByName, options: { handleSignals?: boolean; host?: string } = {}) {
  return createServiceApp(DeliveryModule.forRoot(config, pushProviders) as unknown as Type<unknown>, {
    serviceName: 'delivery',
    port: config.port,
    host: options.host,
    handleSignals: options.handleSignals ?? true,
    openApi: { title: 'pushmfa delivery', description: 'Push delivery: health, readiness and metrics only; the work happens on Kafka.' },
  });
}

if (require.main === module) {
  (async () => {
    const config = loadDeliveryConfig();
    await startDelivery(config, await setUpPushProviders(config));
  })().catch((error: unknown) => {
    new Logger('delivery').error(`delivery failed to start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
