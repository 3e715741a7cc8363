import { Logger } from '@nestjs/common';
import { loadOrCreateDevApnsKey, loadOrCreateDevServiceAccount, loadOrCreateTestCa } from '@pushmfa/push-emulators';
import type { DeliveryConfig } from './config';
import { buildPushProviders, type PushProviders, readPushProvidersConfig } from './providers';

// Where `node dist/libs/push-emulators/src/main.js` listens by default, and the bundle id it accepts.
const DEV_FCM_EMULATOR_URL = 'https://127.0.0.1:9443';
const DEV_APNS_EMULATOR_URL = 'https://127.0.0.1:9444';
const DEV_APNS_BUNDLE_ID = 'dev.pushmfa.authenticator';

type Env = Record<string, string | undefined>;

/**
 * Builds the push providers from the environment. In development mode with no provider credentials at all it
 * points both SDKs at the local emulators with the development credentials. Emulators are used only when
 * configured (*_EMULATOR_URL), and then always with a loud warning.
 */
export async function setUpPushProviders(config: DeliveryConfig, env: Env = process.env): Promise<PushProviders> {
  const logger = new Logger('PushProviders');
  const noCredentials = !env.FCM_SERVICE_ACCOUNT_FILE?.trim() && !env.APNS_KEY_FILE?.trim();
  const effectiveEnv = config.mode === 'development' && noCredentials ? { ...env, ...(await developmentEmulatorEnv(env)) } : env;
  const providersConfig = readPushProvidersConfig(effectiveEnv);
  if (providersConfig.usesEmulators) {
    // Production mode with emulators is how the e2e suite and the benchmark run the real stack here: allowed, never quiet.
    const line = '!'.repeat(100);
    logger.warn(
      `\n${line}\n!!! ${config.mode.toUpperCase()} MODE: pushes go to the LOCAL EMULATORS (FCM ${effectiveEnv.FCM_EMULATOR_URL ?? '-'}, ` +
        `APNs ${effectiveEnv.APNS_EMULATOR_URL ?? '-'}), NOT to real devices.\n` +
        `!!! Set FCM_SERVICE_ACCOUNT_FILE / APNS_KEY_FILE (and unset the *_EMULATOR_URL variables) to push for real.\n${line}`,
    );
  }
  return buildPushProviders(providersConfig);
}

async function developmentEmulatorEnv(env: Env): Promise<Env> {
  const [testCa, serviceAccount, apnsKey] = await Promise.all([loadOrCreateTestCa(), loadOrCreateDevServiceAccount(), loadOrCreateDevApnsKey()]);
  return {
    PUSH_EMULATOR_CA: testCa.caPemPath,
    FCM_SERVICE_ACCOUNT_FILE: serviceAccount.filePath,
    FCM_EMULATOR_URL: env.FCM_EMULATOR_URL ?? DEV_FCM_EMULATOR_URL,
    APNS_KEY_FILE: apnsKey.p8Path,
    APNS_KEY_ID: apnsKey.keyId,
    APNS_TEAM_ID: apnsKey.teamId,
    APNS_BUNDLE_ID: env.APNS_BUNDLE_ID ?? DEV_APNS_BUNDLE_ID,
    APNS_EMULATOR_URL: env.APNS_EMULATOR_URL ?? DEV_APNS_EMULATOR_URL,
  };
}
