import { readFileSync } from 'node:fs';
import { ApnsPushProvider, type ApnsProviderConfig } from './apns.provider';
import { parseEmulatorUrl, type EmulatorRoute } from './emulator-route';
import { FcmPushProvider, type FcmProviderConfig } from './fcm.provider';
import type { PushProvider } from './push-provider.port';

export interface PushProvidersConfig {
  fcm?: FcmProviderConfig;
  apns?: ApnsProviderConfig;
  /** True when FCM_EMULATOR_URL or APNS_EMULATOR_URL is set: the service should warn loudly. */
  usesEmulators: boolean;
}

export interface PushProviders {
  fcm?: PushProvider;
  apns?: PushProvider;
  usesEmulators: boolean;
  close(): Promise<void>;
}

type Env = Record<string, string | undefined>;

/**
 * Reads the push provider settings; throws naming the variable at fault. A provider is configured when its main
 * variable (FCM_SERVICE_ACCOUNT_FILE, APNS_KEY_FILE) is set; at least one must be.
 */
export function readPushProvidersConfig(env: Env = process.env): PushProvidersConfig {
  const fcm = readFcmConfig(env);
  const apns = readApnsConfig(env);
  if (fcm === undefined && apns === undefined) {
    throw new Error('no push provider is configured: set FCM_SERVICE_ACCOUNT_FILE and/or APNS_KEY_FILE (with APNS_KEY_ID, APNS_TEAM_ID, APNS_BUNDLE_ID)');
  }
  return { fcm, apns, usesEmulators: fcm?.emulator !== undefined || apns?.emulator !== undefined };
}

export function buildPushProviders(config: PushProvidersConfig): PushProviders {
  const fcm = config.fcm === undefined ? undefined : new FcmPushProvider(config.fcm);
  const apns = config.apns === undefined ? undefined : new ApnsPushProvider(config.apns);
  return {
    fcm,
    apns,
    usesEmulators: config.usesEmulators,
    close: async () => {
      await Promise.all([fcm?.close(), apns?.close()]);
    },
  };
}

function readFcmConfig(env: Env): FcmProviderConfig | undefined {
  const serviceAccountFile = nonEmpty(env.FCM_SERVICE_ACCOUNT_FILE);
  if (serviceAccountFile === undefined) {
    if (nonEmpty(env.FCM_EMULATOR_URL) !== undefined) throw new Error('FCM_EMULATOR_URL is set but FCM_SERVICE_ACCOUNT_FILE is not');
    return undefined;
  }
  let projectId: unknown;
  try {
    projectId = (JSON.parse(readFileSync(serviceAccountFile, 'utf8')) as { project_id?: unknown }).project_id;
  } catch (error) {
    throw new Error(`FCM_SERVICE_ACCOUNT_FILE (${serviceAccountFile}) is not a readable service-account JSON: ${(error as Error).message}`);
  }
  if (typeof projectId !== 'string' || projectId === '') throw new Error(`FCM_SERVICE_ACCOUNT_FILE (${serviceAccountFile}) has no project_id`);
  return { serviceAccountFile, projectId, emulator: readEmulatorRoute(env, 'FCM_EMULATOR_URL') };
}

function readApnsConfig(env: Env): ApnsProviderConfig | undefined {
  const key = nonEmpty(env.APNS_KEY_FILE);
  if (key === undefined) {
    if (nonEmpty(env.APNS_EMULATOR_URL) !== undefined) throw new Error('APNS_EMULATOR_URL is set but APNS_KEY_FILE is not');
    return undefined;
  }
  try {
    readFileSync(key);
  } catch (error) {
    throw new Error(`APNS_KEY_FILE (${key}) cannot be read: ${(error as Error).message}`);
  }
  return {
    key,
    keyId: required(env, 'APNS_KEY_ID'),
    teamId: required(env, 'APNS_TEAM_ID'),
    bundleId: required(env, 'APNS_BUNDLE_ID'),
    production: readBoolean(env, 'APNS_PRODUCTION', false),
    emulator: readEmulatorRoute(env, 'APNS_EMULATOR_URL'),
  };
}

function readEmulatorRoute(env: Env, variableName: 'FCM_EMULATOR_URL' | 'APNS_EMULATOR_URL'): EmulatorRoute | undefined {
  const url = nonEmpty(env[variableName]);
  if (url === undefined) return undefined;
  const caFile = nonEmpty(env.PUSH_EMULATOR_CA);
  if (caFile === undefined) throw new Error(`${variableName} is set but PUSH_EMULATOR_CA (the emulators' CA PEM file) is not`);
  let caPem: string;
  try {
    caPem = readFileSync(caFile, 'utf8');
  } catch (error) {
    throw new Error(`PUSH_EMULATOR_CA (${caFile}) cannot be read: ${(error as Error).message}`);
  }
  return { ...parseEmulatorUrl(url, variableName), caPem };
}

function required(env: Env, name: string): string {
  const value = nonEmpty(env[name]);
  if (value === undefined) throw new Error(`${name} is required when APNS_KEY_FILE is set`);
  return value;
}

function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  const value = nonEmpty(env[name]);
  if (value === undefined) return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new Error(`${name} must be true or false (got "${value}")`);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
