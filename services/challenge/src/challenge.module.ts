import { type DynamicModule, Module } from '@nestjs/common';
import { DeviceSignatureGuard } from '@pushmfa/device-auth';
import { ObservabilityModule } from '@pushmfa/observability';
import { ApiKeyGuard } from '@pushmfa/workspace-access';
import { ChallengeLifecycle } from './challenge.lifecycle';
import { challengeProviders } from './challenge.providers';
import type { ChallengeConfig } from './config';
import { EnrolOfflineCodeHttpController } from './offline-code/enrolling/enrol-offline-code.http.controller';
import { EnrolOfflineCodeHandler } from './offline-code/enrolling/enrol-offline-code.handler';
import { ApproveWithOfflineCodeHttpController } from './push-challenge/approving-with-offline-code/approve-with-offline-code.http.controller';
import { OfflineCodeApprover } from './push-challenge/approving-with-offline-code/offline-code-approver';
import { CancelChallengeHttpController } from './push-challenge/cancelling/cancel-challenge.http.controller';
import { ChallengeCommands } from './push-challenge/challenge-commands';
import { ChallengeExpiryTimer } from './push-challenge/expiring/challenge-expiry-timer';
import { IssueChallengeHandler } from './push-challenge/issuing/issue-challenge.handler';
import { IssueChallengeHttpController } from './push-challenge/issuing/issue-challenge.http.controller';
import { ListPendingChallengesHandler } from './push-challenge/listing/list-pending-challenges.handler';
import { ListPendingChallengesHttpController } from './push-challenge/listing/list-pending-challenges.http.controller';
import { ReadChallengeStatusHttpController } from './push-challenge/reading-status/read-challenge-status.http.controller';
import { AcknowledgeReceiptHttpController } from './push-challenge/receiving/acknowledge-receipt.http.controller';
import { ResendChallengeHttpController } from './push-challenge/resending/resend-challenge.http.controller';
import { RespondToChallengeHttpController } from './push-challenge/responding/respond-to-challenge.http.controller';
import { ShareDiagnosticsHandler } from './push-challenge/sharing-diagnostics/share-diagnostics.handler';
import { ShareDiagnosticsHttpController } from './push-challenge/sharing-diagnostics/share-diagnostics.http.controller';
import { ApproveWithOfflineCodeHandler } from './push-challenge/approving-with-offline-code/approve-with-offline-code.handler';
import { CancelChallengeHandler } from './push-challenge/cancelling/cancel-challenge.handler';
import { ReadChallengeStatusHandler } from './push-challenge/reading-status/read-challenge-status.handler';
import { AcknowledgeReceiptHandler } from './push-challenge/receiving/acknowledge-receipt.handler';
import { ResendChallengeHandler } from './push-challenge/resending/resend-challenge.handler';
import { RespondToChallengeHandler } from './push-challenge/responding/respond-to-challenge.handler';
import { RegistryViewConsumer } from './registry-view/registry-view.consumer';

@Module({})
export class ChallengeModule {
  static forRoot(config: ChallengeConfig): DynamicModule {
    return {
      module: ChallengeModule,
      imports: [ObservabilityModule.forService({ serviceName: 'challenge' })],
      controllers: [
        IssueChallengeHttpController,
        ReadChallengeStatusHttpController,
        ResendChallengeHttpController,
        CancelChallengeHttpController,
        ListPendingChallengesHttpController,
        AcknowledgeReceiptHttpController,
        RespondToChallengeHttpController,
        EnrolOfflineCodeHttpController,
        ApproveWithOfflineCodeHttpController,
        ShareDiagnosticsHttpController,
      ],
      providers: [
        ...challengeProviders(config),
        RegistryViewConsumer,
        ChallengeLifecycle,
        ApiKeyGuard,
        DeviceSignatureGuard,
        ChallengeCommands,
        ReadChallengeStatusHandler,
        ListPendingChallengesHandler,
        ResendChallengeHandler,
        CancelChallengeHandler,
        AcknowledgeReceiptHandler,
        RespondToChallengeHandler,
        ApproveWithOfflineCodeHandler,
        IssueChallengeHandler,
        ChallengeExpiryTimer,
        EnrolOfflineCodeHandler,
        OfflineCodeApprover,
        ShareDiagnosticsHandler,
      ],
    };
  }
}
