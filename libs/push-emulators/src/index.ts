export { loadOrCreateTestCa, EMULATED_HOSTNAMES, type TestCa } from './test-ca';
export { emulatorFilesDir } from './emulator-files';
export {
  createTestServiceAccount,
  createTestApnsKey,
  loadOrCreateDevServiceAccount,
  loadOrCreateDevApnsKey,
  DEV_FCM_PROJECT_ID,
  DEV_APNS_TEAM_ID,
  type ServiceAccountJson,
  type TestServiceAccount,
  type TestApnsKey,
} from './test-credentials';
export { FCM_ERROR_CODES, type FcmErrorCode } from './fcm-errors';
export { startFcmEmulator, type FcmEmulator, type FcmEmulatorOptions, type FcmBehaviour, type FcmReceivedMessage, type FcmTokenRequest } from './fcm-emulator';
export { APNS_FAILURE_STATUS, type ApnsFailureReason } from './apns-responses';
export type { ApnsSigningKey } from './apns-provider-tokens';
export { startApnsEmulator, type ApnsEmulator, type ApnsEmulatorOptions, type ApnsBehaviour, type ApnsReceivedNotification } from './apns-emulator';
export { assertJestCanRunFirebaseAdmin } from './firebase-admin-in-jest';
export { startEmulatorControlServer, type EmulatorControlServer } from './emulator-control.server';
export { EmulatorControlClient } from './emulator-control.client';
export { startCheckedPushEmulators, TEST_APNS_BUNDLE_ID, type CheckedPushEmulators } from './checked-push-emulators';
