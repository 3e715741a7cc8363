import { startTracing } from '@pushmfa/observability';
startTracing('delivery');

import { Logger, Module } from '@nestjs/common';
import { createServiceApp } from '@pushmfa/http';
import { loadDeliveryConfig } from './config';
import { DeliveryModule } from './delivery.module';
import { setUpPushProviders } from './push-provider-setup';

async function bootstrap(): Promise<void> {
  const config = loadDeliveryConfig();
  const providers = await setUpPushProviders(config);
  @Module({ imports: [DeliveryModule.register({ config, providers })] })
  class DeliveryAppModule {}
  await createServiceApp(DeliveryAppModule, {
    serviceName: 'delivery',
    port: config.port,
    openApi: { title: 'pushmfa delivery', description: 'Push delivery: health, readiness and metrics only; the work happens on Kafka.' },
  });
}

bootstrap().catch((error: unknown) => {
  new Logger('delivery').error(`delivery failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
