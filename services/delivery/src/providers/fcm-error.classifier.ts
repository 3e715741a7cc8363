import type { PushResult } from './push-provider.port';

type FailedPushResult = Exclude<PushResult, { outcome: 'accepted' } | { outcome: 'timeout' }>;

/** OAuth2 answers that mean our service account is wrong, as opposed to the token endpoint being unreachable. */
const CREDENTIAL_REFUSALS = /invalid_grant|invalid_client|unauthorized_client|invalid_scope|access_denied|invalid jwt/i;

/**
 * Maps a firebase-admin error (codes from firebase-admin/lib/utils/error.js, MESSAGING_SERVER_TO_CLIENT_CODE)
 * to what delivery should do. The reason is the stable error code only: messages may quote server responses.
 * firebase-admin does not expose response headers, so FCM's Retry-After cannot be passed on.
 */
export function classifyFcmError(error: unknown): FailedPushResult {
  const code = codeOf(error);
  switch (code) {
    case 'messaging/registration-token-not-registered':
    case 'messaging/invalid-registration-token':
      return { outcome: 'dead_token', reason: code };
    case 'messaging/invalid-argument':
      // FCM answers INVALID_ARGUMENT both for a malformed token and for a malformed message; only the first is the device's.
      return mentionsRegistrationToken(error) ? { outcome: 'dead_token', reason: code } : { outcome: 'rejected', reason: code };
    case 'messaging/invalid-recipient':
    case 'messaging/invalid-payload':
    case 'messaging/invalid-data-payload-key':
    case 'messaging/payload-size-limit-exceeded':
    case 'messaging/invalid-options':
    case 'messaging/invalid-package-name':
      return { outcome: 'rejected', reason: code };
    case 'messaging/message-rate-exceeded':
    case 'messaging/device-message-rate-exceeded':
    case 'messaging/topics-message-rate-exceeded':
      return { outcome: 'rate_limited', reason: code };
    // SENDER_ID_MISMATCH / PERMISSION_DENIED: our service account is not allowed to reach this project's tokens.
    case 'messaging/mismatched-credential':
    case 'messaging/third-party-auth-error':
    case 'messaging/authentication-error':
      return { outcome: 'auth_error', reason: code };
    case 'app/invalid-credential':
      return CREDENTIAL_REFUSALS.test(messageOf(error)) ? { outcome: 'auth_error', reason: code } : { outcome: 'transient', reason: code };
    case 'messaging/server-unavailable':
    case 'messaging/internal-error':
    case 'messaging/unknown-error':
    case 'app/network-error':
    case 'app/network-timeout':
      return { outcome: 'transient', reason: code };
    default:
      return { outcome: 'transient', reason: code ?? 'fcm/unexpected-error' };
  }
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : '';
}

function mentionsRegistrationToken(error: unknown): boolean {
  return /registration token/i.test(messageOf(error));
}
