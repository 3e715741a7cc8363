import { isIP } from 'node:net';
import { bareHost, isNonPublicAddress, type WebhookTargetPolicy } from './webhook-target';

/**
 * Why a URL cannot be an endpoint, or undefined when it can. No credentials in the URL. https to a public host; an IP
 * literal that is not public only when the policy allows private targets (a host name is checked where it resolves,
 * at each attempt: webhook-target.ts). Plain http only when private targets are allowed (development mode by
 * default), and then only to loopback (127.0.0.0/8, ::1, localhost).
 */
export function webhookUrlProblem(raw: string, policy: WebhookTargetPolicy): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.username || url.password) return 'must not carry credentials';
  const host = bareHost(url.hostname);
  if (url.protocol === 'https:') {
    if (!policy.allowPrivateTargets && (host === 'localhost' || (isIP(host) !== 0 && isNonPublicAddress(host)))) {
      return 'must point at a public address (not loopback, private or link-local)';
    }
    return undefined;
  }
  if (url.protocol !== 'http:') return 'must be an https URL';
  if (policy.allowPrivateTargets && isLoopbackHost(host)) return undefined;
  return policy.allowPrivateTargets ? 'must be an https URL (plain http only to a loopback address)' : 'must be an https URL';
}

function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return isIP(host) === 6 && host === '::1';
}
