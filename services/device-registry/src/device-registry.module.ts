import { type DynamicModule, Module } from '@nestjs/common';
import { DeviceSignatureGuard } from '@pushmfa/device-auth';
import { ObservabilityModule } from '@pushmfa/observability';
import { ApiKeyGuard, OperatorGuard } from '@pushmfa/workspace-access';
import type { RegistryConfig } from './config';
import { DeviceCommands } from './device/device-commands';
import { DeadTokenInvalidator } from './device/invalidating-push-token/dead-token.invalidator';
import { InboundEventsConsumer } from './consuming/inbound-events.consumer';
import { ListDevicesHttpController } from './device/listing-devices/list-devices.http.controller';
import { ReportHealthHttpController } from './device/reporting-health/report-health.http.controller';
import { AcknowledgeTestPushHttpController } from './device/acknowledging-test-push/acknowledge-test-push.http.controller';
import { SendTestPushHttpController } from './device/sending-test-push/send-test-push.http.controller';
import { RevokeDeviceHttpController } from './device/revoking-device/revoke-device.http.controller';
import { RotatePushTokenHttpController } from './device/rotating-push-token/rotate-push-token.http.controller';
import { ReplacedDeviceRevoker } from './pairing/confirming-pairing/replaced-device-revoker';
import { ConfirmPairingHttpController } from './pairing/confirming-pairing/confirm-pairing.http.controller';
import { PairingCommands } from './pairing/pairing-commands';
import { ReadPairingHttpController } from './pairing/reading-pairing/read-pairing.http.controller';
import { ReadPairingHandler } from './pairing/reading-pairing/read-pairing.handler';
import { RegisterDeviceHttpController } from './pairing/registering-device/register-device.http.controller';
import { StartPairingHttpController } from './pairing/starting-pairing/start-pairing.http.controller';
import { AssignPoolHttpController } from './pool/assigning-pool/assign-pool.http.controller';
import { PoolsHttpController } from './pool/managing-pools/pools.http.controller';
import { PoolCommands } from './pool/pool-commands';
import { SignInOptionsHttpController } from './pool/reading-sign-in-options/sign-in-options.http.controller';
import { RegistryLifecycle } from './device-registry.lifecycle';
import { registryProviders } from './device-registry.providers';
import { RegistryPublication } from './publishing/registry-publication';
import { ListDevicesHandler } from './device/listing-devices/list-devices.handler';
import { ReadWorkspaceHandler } from './workspace/reading-workspace/read-workspace.handler';
import { LiftPushLockHttpController } from './user/lifting-push-lock/lift-push-lock.http.controller';
import { ResetMfaHttpController } from './user/resetting-mfa/reset-mfa.http.controller';
import { UserCommands } from './user/user-commands';
import { ChangeSettingsHttpController } from './workspace/changing-settings/change-settings.http.controller';
import { CreateWorkspaceHttpController } from './workspace/creating-workspace/create-workspace.http.controller';
import { IssueApiKeyHttpController } from './workspace/issuing-api-key/issue-api-key.http.controller';
import { ReadWorkspaceHttpController } from './workspace/reading-workspace/read-workspace.http.controller';
import { RevokeApiKeyHttpController } from './workspace/revoking-api-key/revoke-api-key.http.controller';
import { WorkspaceCommands } from './workspace/workspace-commands';
import { ConfirmPairingHandler } from './pairing/confirming-pairing/confirm-pairing.handler';
import { RegisterDeviceHandler } from './pairing/registering-device/register-device.handler';
import { StartPairingHandler } from './pairing/starting-pairing/start-pairing.handler';
import { SignInOptionsHandler } from './pool/reading-sign-in-options/sign-in-options.handler';
import { ResetMfaHandler } from './user/resetting-mfa/reset-mfa.handler';
import { LiftPushLockHandler } from './user/lifting-push-lock/lift-push-lock.handler';
import { AssignPoolHandler } from './pool/assigning-pool/assign-pool.handler';
import { ManagePoolsHandler } from './pool/managing-pools/manage-pools.handler';
import { ChangeOwnDeviceHandler } from './device/changing-own-device/change-own-device.handler';
import { RevokeDeviceHandler } from './device/revoking-device/revoke-device.handler';
import { SendTestPushHandler } from './device/sending-test-push/send-test-push.handler';
import { ChangeSettingsHandler } from './workspace/changing-settings/change-settings.handler';
import { CreateWorkspaceHandler } from './workspace/creating-workspace/create-workspace.handler';
import { IssueApiKeyHandler } from './workspace/issuing-api-key/issue-api-key.handler';
import { RevokeApiKeyHandler } from './workspace/revoking-api-key/revoke-api-key.handler';

@Module({})
export class DeviceRegistryModule {
  static forRoot(config: RegistryConfig): DynamicModule {
    return {
      module: DeviceRegistryModule,
      imports: [ObservabilityModule.forService({ serviceName: 'device-registry' })],
      controllers: [
        CreateWorkspaceHttpController,
        IssueApiKeyHttpController,
        RevokeApiKeyHttpController,
        ReadWorkspaceHttpController,
        ChangeSettingsHttpController,
        StartPairingHttpController,
        ReadPairingHttpController,
        RegisterDeviceHttpController,
        ConfirmPairingHttpController,
        ListDevicesHttpController,
        RevokeDeviceHttpController,
        ResetMfaHttpController,
        LiftPushLockHttpController,
        RotatePushTokenHttpController,
        ReportHealthHttpController,
        PoolsHttpController,
        AssignPoolHttpController,
        SignInOptionsHttpController,
        SendTestPushHttpController,
        AcknowledgeTestPushHttpController,
      ],
      providers: [
        ...registryProviders(config),
        RegistryPublication,
        RegistryLifecycle,
        ApiKeyGuard,
        OperatorGuard,
        WorkspaceCommands,
        CreateWorkspaceHandler,
        IssueApiKeyHandler,
        RevokeApiKeyHandler,
        ChangeSettingsHandler,
        ReadWorkspaceHandler,
        PairingCommands,
        StartPairingHandler,
        ReadPairingHandler,
        RegisterDeviceHandler,
        ConfirmPairingHandler,
        DeviceCommands,
        RevokeDeviceHandler,
        SendTestPushHandler,
        ChangeOwnDeviceHandler,
        ListDevicesHandler,
        UserCommands,
        ResetMfaHandler,
        LiftPushLockHandler,
        SignInOptionsHandler,
        PoolCommands,
        AssignPoolHandler,
        ManagePoolsHandler,
        DeadTokenInvalidator,
        InboundEventsConsumer,
        ReplacedDeviceRevoker,
        DeviceSignatureGuard,
      ],
    };
  }
}
