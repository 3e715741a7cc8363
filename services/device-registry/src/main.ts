import { startTracing } from '@pushmfa/observability';
startTracing('device-registry');

import type { Type } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { createServiceApp } from '@pushmfa/http';
import { loadRegistryConfig, type RegistryConfig } from './config';
import { DeviceRegistryModule } from './device-registry.module';

/** Starts the device registry; tests call this with their own config and port 0. */
export async function startDeviceRegistry(config: RegistryConfig, options: { handleSignals?: boolean } = {}) {
  const app = await createServiceApp(DeviceRegistryModule.forRoot(config) as unknown as Type<unknown>, {
    serviceName: 'device-registry',
    port: config.port,
    handleSignals: options.handleSignals ?? true,
    openApi: { title: 'pushmfa device registry', description: 'Workspaces, API keys, settings, pairing and devices' },
  });
  if (config.operatorTokenDefaulted) {
    new Logger('device-registry').warn(`PUSHMFA_OPERATOR_TOKEN is not set: development mode uses "dev-operator-token". Never run like this in production.`);
  }
  return app;
}

if (require.main === module) {
  startDeviceRegistry(loadRegistryConfig()).catch((error: unknown) => {
    console.error(`device-registry failed to start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
