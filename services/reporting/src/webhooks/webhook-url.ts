import { isIP } from 'node:net';

/**
 * Why a URL cannot be an endpoint, or undefined when it can: https anywhere; plain http only to a loopback address
 * (127.0.0.0/8, ::1) in any mode, and also to `localhost` in development mode. No credentials in the URL.
 */
export function webhookUrlProblem(raw: string, mode: 'development' | 'production'): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.username || url.password) return 'must not carry credentials';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol !== 'http:') return 'must be an https URL';
  if (isLoopbackHost(url.hostname) || (mode === 'development' && url.hostname === 'localhost')) return undefined;
  return 'must be an https URL (plain http only to a loopback address)';
}

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  if (isIP(host) === 4) return host.startsWith('127.');
  return isIP(host) === 6 && host === '::1';
}
