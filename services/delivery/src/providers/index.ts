export type { PushContext, PushMessage, PushOutcome, PushProvider, PushResult, PushSendOptions, TestPushMessage } from './push-provider.port';
export { FcmPushProvider, type FcmProviderConfig } from './fcm.provider';
export { ApnsPushProvider, type ApnsProviderConfig } from './apns.provider';
export { APPROVAL_CATEGORY } from './apns-notification.mapper';
export type { EmulatorRoute } from './emulator-route';
export { buildPushProviders, readPushProvidersConfig, type PushProviders, type PushProvidersConfig } from './push-providers.config';
