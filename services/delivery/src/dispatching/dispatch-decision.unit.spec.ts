import type { ChallengeView } from '../challenges/challenge-view';
import type { KnownDevice } from '../devices/known-device';
import { MAX_DEVICE_LOOKUPS, SEND_TIMEOUT_MS } from './delivery-retry-policy';
import { decideDispatch } from './dispatch-decision';
import type { PushJob } from './push-job';

const NOW = Date.parse('2025-01-01T12:00:00Z');

const view = (overrides: Partial<ChallengeView> = {}): ChallengeView => ({
  workspaceId: 'ws-1',
  challengeId: 'ch-1',
  userId: 'alice',
  status: 'pending',
  expiresAtMs: NOW + 60_000,
  targetDevices: [{ deviceId: 'dev-1', pushProvider: 'fcm' }],
  context: { application: 'Payroll' },
  ...overrides,
});

const device = (overrides: Partial<KnownDevice> = {}): KnownDevice => ({
  workspaceId: 'ws-1',
  deviceId: 'dev-1',
  userId: 'alice',
  pushProvider: 'fcm',
  pushToken: 'token-abcdef',
  tokenValid: true,
  revoked: false,
  ...overrides,
});

const job = (overrides: Partial<PushJob> = {}): PushJob => ({
  workspaceId: 'ws-1',
  challengeId: 'ch-1',
  userId: 'alice',
  deviceId: 'dev-1',
  pushProvider: 'fcm',
  round: 1,
  tryNumber: 1,
  deviceLookups: 0,
  correlationId: 'corr-1',
  causationId: 'evt-1',
  ...overrides,
});

describe('decideDispatch', () => {
  it('sends to a known device of a pending challenge with a deadline of ten seconds', () => {
    expect(decideDispatch(view(), device(), job(), NOW)).toMatchObject({ kind: 'send', deadlineMs: NOW + SEND_TIMEOUT_MS });
  });

  it('never lets the provider deadline pass the challenge expiry', () => {
    expect(decideDispatch(view({ expiresAtMs: NOW + 3_000 }), device(), job(), NOW)).toMatchObject({ kind: 'send', deadlineMs: NOW + 3_000 });
  });

  it('sends nothing for a challenge already resolved', () => {
    for (const status of ['approved', 'denied', 'expired', 'cancelled'] as const) {
      expect(decideDispatch(view({ status }), device(), job(), NOW)).toEqual({ kind: 'skip', reason: 'challenge_resolved' });
    }
  });

  it('sends nothing once the challenge has expired, even if nobody said so yet', () => {
    expect(decideDispatch(view({ expiresAtMs: NOW }), device(), job(), NOW)).toEqual({ kind: 'skip', reason: 'challenge_expired' });
  });

  it('sends nothing for a challenge it never saw', () => {
    expect(decideDispatch(null, device(), job(), NOW)).toEqual({ kind: 'skip', reason: 'unknown_challenge' });
  });

  it('waits briefly for a device the registry has not told it about, then gives up with unknown_device', () => {
    expect(decideDispatch(view(), null, job(), NOW)).toMatchObject({ kind: 'await_device' });
    expect(decideDispatch(view(), null, job({ deviceLookups: MAX_DEVICE_LOOKUPS }), NOW)).toEqual({ kind: 'fail', reason: 'unknown_device' });
  });

  it('does not wait for a device past the challenge expiry', () => {
    expect(decideDispatch(view({ expiresAtMs: NOW + 100 }), null, job(), NOW)).toEqual({ kind: 'fail', reason: 'unknown_device' });
  });

  it('fails a revoked device and a device whose token is known dead', () => {
    expect(decideDispatch(view(), device({ revoked: true }), job(), NOW)).toEqual({ kind: 'fail', reason: 'device_revoked' });
    expect(decideDispatch(view(), device({ tokenValid: false }), job(), NOW)).toEqual({ kind: 'fail', reason: 'push_token_invalid' });
  });
});
