import { parseArgs } from 'node:util';
import type { ReportedDeviceHealth } from '@pushmfa/contracts';
import { UsageError } from './usage.error';

export type KeyAlgorithm = 'Ed25519' | 'ES256';
export type DevicePlatform = 'android' | 'ios';

export const DEFAULT_PROFILE = 'default';
export const DEFAULT_CHALLENGE_URL = 'http://127.0.0.1:3001';

interface Common {
  profile: string;
}
export interface PairCommand extends Common {
  command: 'pair';
  qrUri: string;
  algorithm: KeyAlgorithm;
  platform: DevicePlatform;
  pushToken: string | undefined;
  deviceName: string | undefined;
  force: boolean;
  /** `--offline-code`: after registering, wait for the confirmation and enrol the offline code at this challenge service. */
  offlineCodeUrl?: string;
}
export interface PendingCommand extends Common {
  command: 'pending';
  challengeUrl: string;
}
export interface RespondCommand extends Common {
  command: 'approve' | 'deny';
  challengeUrl: string;
  challengeId: string;
  number: string | undefined;
  fraud: boolean;
  /** The user passed the phone's biometric or PIN check (a passwordless sign-in needs it). */
  userVerified: boolean;
}
export interface WatchCommand extends Common {
  command: 'watch';
  challengeUrl: string;
  autoApprove: boolean;
  numberFromFile: string | undefined;
  pollIntervalMs: number;
}
export interface PushTokenCommand extends Common {
  command: 'push-token';
  pushToken: string;
}
export interface HealthCommand extends Common {
  command: 'health';
  /** The heartbeat's body: only the fields given on the command line. */
  health: ReportedDeviceHealth;
}
export interface TestPushAckCommand extends Common {
  command: 'test-push-ack';
  testPushId: string;
}
export interface EnrolOfflineCodeCommand extends Common {
  command: 'enrol-offline-code';
  challengeUrl: string;
  /** How long to keep asking while the challenge service does not know the device yet (pairing not confirmed). */
  waitSeconds: number;
}
export interface CodeCommand extends Common {
  command: 'code';
}
export interface ShareLogsCommand extends Common {
  command: 'share-logs';
  challengeUrl: string;
  challengeId: string | undefined;
}
export interface HelpCommand {
  command: 'help';
}
export type CliCommand =
  | PairCommand
  | PendingCommand
  | RespondCommand
  | WatchCommand
  | PushTokenCommand
  | HealthCommand
  | TestPushAckCommand
  | EnrolOfflineCodeCommand
  | CodeCommand
  | ShareLogsCommand
  | HelpCommand;

const OPTIONS = {
  profile: { type: 'string' },
  'challenge-url': { type: 'string' },
  alg: { type: 'string' },
  platform: { type: 'string' },
  'push-token': { type: 'string' },
  name: { type: 'string' },
  force: { type: 'boolean' },
  number: { type: 'string' },
  fraud: { type: 'boolean' },
  'user-verified': { type: 'boolean' },
  'auto-approve': { type: 'boolean' },
  'number-from': { type: 'string' },
  'poll-interval-ms': { type: 'string' },
  notifications: { type: 'string' },
  'focus-mode': { type: 'string' },
  'battery-saver': { type: 'string' },
  'background-refresh': { type: 'string' },
  'app-version': { type: 'string' },
  'os-version': { type: 'string' },
  'last-push-seen': { type: 'string' },
  'wait-seconds': { type: 'string' },
  'offline-code': { type: 'boolean' },
  challenge: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Which options each command takes; anything else is a usage error rather than silently ignored. */
const ALLOWED: Record<Exclude<CliCommand['command'], 'help'>, readonly (keyof typeof OPTIONS)[]> = {
  pair: ['profile', 'alg', 'platform', 'push-token', 'name', 'force', 'offline-code', 'challenge-url'],
  pending: ['profile', 'challenge-url'],
  approve: ['profile', 'challenge-url', 'number', 'user-verified'],
  deny: ['profile', 'challenge-url', 'fraud'],
  watch: ['profile', 'challenge-url', 'auto-approve', 'number-from', 'poll-interval-ms'],
  'push-token': ['profile'],
  health: ['profile', 'notifications', 'focus-mode', 'battery-saver', 'background-refresh', 'app-version', 'os-version', 'last-push-seen'],
  'test-push-ack': ['profile'],
  'enrol-offline-code': ['profile', 'challenge-url', 'wait-seconds'],
  code: ['profile'],
  'share-logs': ['profile', 'challenge-url', 'challenge'],
};
const POSITIONALS: Record<keyof typeof ALLOWED, string[]> = {
  pair: ['<qrUri>'],
  pending: [],
  approve: ['<challengeId>'],
  deny: ['<challengeId>'],
  watch: [],
  'push-token': ['<token>'],
  health: [],
  'test-push-ack': ['<testPushId>'],
  'enrol-offline-code': [],
  code: [],
  'share-logs': [],
};

/** Turns `argv` (without node and the script) into one command; throws UsageError on any mistake. */
export function parseCliArguments(argv: readonly string[]): CliCommand {
  const { values, positionals } = readArguments(argv);
  const [name, ...rest] = positionals;
  if (name === undefined || name === 'help' || values.help) return { command: 'help' };
  if (!isCommandName(name)) throw new UsageError(`unknown command "${name}"`, true);
  for (const option of Object.keys(values) as (keyof typeof OPTIONS)[]) {
    if (values[option] !== undefined && !ALLOWED[name].includes(option)) throw new UsageError(`${name} does not take --${option}`, true);
  }
  const expected = POSITIONALS[name];
  if (rest.length !== expected.length) throw new UsageError(`${name} takes ${expected.length ? expected.join(' ') : 'no arguments'}`, true);
  const profile = profileName(values.profile);
  const challengeUrl = httpUrl('--challenge-url', values['challenge-url'] ?? DEFAULT_CHALLENGE_URL);
  const first = rest[0] ?? '';

  switch (name) {
    case 'pair':
      return {
        command: 'pair',
        profile,
        qrUri: first,
        algorithm: oneOf('--alg', values.alg ?? 'Ed25519', ['Ed25519', 'ES256'] as const),
        platform: oneOf('--platform', values.platform ?? 'android', ['android', 'ios'] as const),
        pushToken: nonEmpty('--push-token', values['push-token']),
        deviceName: nonEmpty('--name', values.name),
        force: values.force ?? false,
        ...(values['offline-code'] ? { offlineCodeUrl: challengeUrl } : {}),
      };
    case 'pending':
      return { command: 'pending', profile, challengeUrl };
    case 'approve':
    case 'deny':
      return {
        command: name,
        profile,
        challengeUrl,
        challengeId: first,
        number: values.number === undefined ? undefined : matchNumber(values.number),
        fraud: values.fraud ?? false,
        userVerified: values['user-verified'] ?? false,
      };
    case 'watch':
      if (values['number-from'] !== undefined && !values['auto-approve']) throw new UsageError('--number-from only makes sense with --auto-approve');
      return {
        command: 'watch',
        profile,
        challengeUrl,
        autoApprove: values['auto-approve'] ?? false,
        numberFromFile: nonEmpty('--number-from', values['number-from']),
        pollIntervalMs: pollInterval(values['poll-interval-ms']),
      };
    case 'push-token':
      return { command: 'push-token', profile, pushToken: first };
    case 'enrol-offline-code':
      return { command: 'enrol-offline-code', profile, challengeUrl, waitSeconds: waitSeconds(values['wait-seconds']) };
    case 'code':
      return { command: 'code', profile };
    case 'health': {
      const onOff = (option: string, value: string | undefined) => (value === undefined ? undefined : oneOf(option, value, ['on', 'off'] as const) === 'on');
      const health = {
        notifications: values.notifications === undefined ? undefined : oneOf('--notifications', values.notifications, ['allowed', 'denied'] as const),
        focusMode: onOff('--focus-mode', values['focus-mode']),
        batterySaver: onOff('--battery-saver', values['battery-saver']),
        backgroundRefresh: onOff('--background-refresh', values['background-refresh']),
        appVersion: nonEmpty('--app-version', values['app-version']),
        osVersion: nonEmpty('--os-version', values['os-version']),
        lastPushSeenAt: values['last-push-seen'] === undefined ? undefined : isoInstant('--last-push-seen', values['last-push-seen']),
      };
      return { command: 'health', profile, health: Object.fromEntries(Object.entries(health).filter(([, value]) => value !== undefined)) };
    }
    case 'test-push-ack':
      return { command: 'test-push-ack', profile, testPushId: first };
    case 'share-logs':
      return { command: 'share-logs', profile, challengeUrl, challengeId: nonEmpty('--challenge', values.challenge) };
  }
}

function readArguments(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message, true);
  }
}

function isCommandName(name: string): name is keyof typeof ALLOWED {
  return Object.hasOwn(ALLOWED, name);
}

function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  const found = allowed.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
  if (!found) throw new UsageError(`${option} must be one of ${allowed.join(', ')}`);
  return found;
}

function nonEmpty(option: string, value: string | undefined): string | undefined {
  if (value !== undefined && value.trim() === '') throw new UsageError(`${option} must not be empty`);
  return value;
}

// Profiles become file names, so nothing that could walk out of the profile folder.
function profileName(value: string | undefined): string {
  const profile = value ?? DEFAULT_PROFILE;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(profile)) throw new UsageError('--profile must be 1 to 64 characters of [A-Za-z0-9_-]');
  return profile;
}

function httpUrl(option: string, value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return value.replace(/\/+$/, '');
  } catch {
    // fall through to the usage error
  }
  throw new UsageError(`${option} must be an http(s) URL`);
}

/** Kept as text: a leading zero is part of the number the sign-in page shows. */
export function matchNumber(value: string): string {
  const trimmed = value.trim();
  if (!/^\d{2,6}$/.test(trimmed)) throw new UsageError('--number must be the 2 to 6 digits the sign-in page shows');
  return trimmed;
}

function pollInterval(value: string | undefined): number {
  if (value === undefined) return 1000;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 100 || ms > 60_000) throw new UsageError('--poll-interval-ms must be an integer from 100 to 60000');
  return ms;
}

function waitSeconds(value: string | undefined): number {
  if (value === undefined) return 600;
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 3600) throw new UsageError('--wait-seconds must be an integer from 0 to 3600');
  return seconds;
}

function isoInstant(option: string, value: string): string {
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw new UsageError(`${option} must be a date-time such as 2026-12-05T08:00:00Z`);
  return at.toISOString();
}
