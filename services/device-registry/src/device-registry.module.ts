import { type DynamicModule, Module } from '@nestjs/common';
import { ObservabilityModule } from '@pushmfa/observability';
import { API_KEY_DIRECTORY, ApiKeyGuard, OPERATOR_TOKEN, OperatorGuard } from '@pushmfa/workspace-access';
import type { RegistryConfig } from './config';
import { ConfirmPairingHttpController } from './pairing/confirming-pairing/confirm-pairing.http.controller';
import { PairingCommands } from './pairing/pairing-commands';
import { ReadPairingHttpController } from './pairing/reading-pairing/read-pairing.http.controller';
import { RegisterDeviceHttpController } from './pairing/registering-device/register-device.http.controller';
import { StartPairingHttpController } from './pairing/starting-pairing/start-pairing.http.controller';
import { REGISTRY_CONFIG, RegistryRuntime } from './registry-runtime';
import { ChangeSettingsHttpController } from './workspace/changing-settings/change-settings.http.controller';
import { CreateWorkspaceHttpController } from './workspace/creating-workspace/create-workspace.http.controller';
import { IssueApiKeyHttpController } from './workspace/issuing-api-key/issue-api-key.http.controller';
import { ReadWorkspaceHttpController } from './workspace/reading-workspace/read-workspace.http.controller';
import { WorkspaceCommands } from './workspace/workspace-commands';

@Module({})
export class DeviceRegistryModule {
  static forRoot(config: RegistryConfig): DynamicModule {
    return {
      module: DeviceRegistryModule,
      imports: [ObservabilityModule.forService({ serviceName: 'device-registry' })],
      controllers: [
        CreateWorkspaceHttpController,
        IssueApiKeyHttpController,
        ReadWorkspaceHttpController,
        ChangeSettingsHttpController,
        StartPairingHttpController,
        ReadPairingHttpController,
        RegisterDeviceHttpController,
        ConfirmPairingHttpController,
      ],
      providers: [
        { provide: REGISTRY_CONFIG, useValue: config },
        { provide: OPERATOR_TOKEN, useValue: config.operatorToken },
        RegistryRuntime,
        { provide: API_KEY_DIRECTORY, useFactory: (runtime: RegistryRuntime) => runtime.apiKeys, inject: [RegistryRuntime] },
        ApiKeyGuard,
        OperatorGuard,
        WorkspaceCommands,
        PairingCommands,
      ],
    };
  }
}
