import { startTracing } from '@pushmfa/observability';
startTracing('challenge');

import type { Type } from '@nestjs/common';
import { createServiceApp } from '@pushmfa/http';
import { ChallengeModule } from './challenge.module';
import { type ChallengeConfig, loadChallengeConfig } from './config';
import { SHARE_DIAGNOSTICS_BODY_LIMIT_BYTES, SHARE_DIAGNOSTICS_PATH } from './push-challenge/sharing-diagnostics/share-diagnostics.http.controller';

/** Starts the challenge service; tests call this with their own config and port 0. */
export async function startChallengeService(config: ChallengeConfig, options: { handleSignals?: boolean } = {}) {
  return createServiceApp(ChallengeModule.forRoot(config) as unknown as Type<unknown>, {
    serviceName: 'challenge',
    port: config.port,
    handleSignals: options.handleSignals ?? true,
    routeBodyLimits: { [SHARE_DIAGNOSTICS_PATH]: SHARE_DIAGNOSTICS_BODY_LIMIT_BYTES },
    openApi: { title: 'pushmfa challenge API', description: "The identity platform's API and the authenticator app's API" },
  });
}

if (require.main === module) {
  startChallengeService(loadChallengeConfig()).catch((error: unknown) => {
    console.error(`challenge failed to start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
