import type { ChallengeView } from '../challenges/challenge-view';
import type { KnownDevice } from '../devices/known-device';
import { DEVICE_LOOKUP_INTERVAL_MS, MAX_DEVICE_LOOKUPS, sendDeadlineMs } from './delivery-retry-policy';
import type { PushJob } from './push-job';

export type DispatchDecision =
  | { kind: 'send'; view: ChallengeView; device: KnownDevice; deadlineMs: number }
  /** Nothing to send and nothing to report: the challenge no longer wants a push. */
  | { kind: 'skip'; reason: 'unknown_challenge' | 'challenge_resolved' | 'challenge_expired' }
  /** The device is not in the projection yet (its registry event may still be on its way): look again later. */
  | { kind: 'await_device'; retryInMs: number }
  /** Report `PushFailed` with this reason. */
  | { kind: 'fail'; reason: 'unknown_device' | 'device_revoked' | 'push_token_invalid' };

/** Decides, from what delivery knows right now, whether this try of a push goes out. Pure. */
export function decideDispatch(view: ChallengeView | null, device: KnownDevice | null, job: PushJob, nowMs: number): DispatchDecision {
  if (!view) return { kind: 'skip', reason: 'unknown_challenge' };
  if (view.status !== 'pending') return { kind: 'skip', reason: 'challenge_resolved' };
  if (nowMs >= view.expiresAtMs) return { kind: 'skip', reason: 'challenge_expired' };
  if (!device) {
    const lookupAgain = job.deviceLookups < MAX_DEVICE_LOOKUPS && nowMs + DEVICE_LOOKUP_INTERVAL_MS < view.expiresAtMs;
    return lookupAgain ? { kind: 'await_device', retryInMs: DEVICE_LOOKUP_INTERVAL_MS } : { kind: 'fail', reason: 'unknown_device' };
  }
  if (device.revoked) return { kind: 'fail', reason: 'device_revoked' };
  if (!device.tokenValid) return { kind: 'fail', reason: 'push_token_invalid' };
  return { kind: 'send', view, device, deadlineMs: sendDeadlineMs(nowMs, view.expiresAtMs) };
}
