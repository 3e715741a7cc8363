import { UsageError } from './usage.error';

/** What a pushmfa://pair QR code carries (API.md, Pairing). */
export interface PairingInvitation {
  version: '1';
  registryUrl: string;
  pairingId: string;
  secret: string;
  workspaceName: string | undefined;
}

/** Reads `pushmfa://pair?v=1&url=<registry base URL>&pid=<pairingId>&s=<secret>&ws=<workspace name>`. */
export function parsePairingUri(uri: string): PairingInvitation {
  const prefix = 'pushmfa://pair';
  if (!uri.startsWith(`${prefix}?`)) throw new UsageError(`not a pairing code: expected "${prefix}?..."`);
  const params = new URLSearchParams(uri.slice(prefix.length + 1));
  const version = params.get('v');
  if (version !== '1') throw new UsageError(`unsupported pairing code version: ${version ?? '(none)'}; this app speaks v=1`);
  const registryUrl = required(params, 'url');
  let parsed: URL;
  try {
    parsed = new URL(registryUrl);
  } catch {
    throw new UsageError('the pairing code\'s "url" is not a URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError('the pairing code\'s "url" must be http or https');
  return {
    version: '1',
    registryUrl: registryUrl.replace(/\/+$/, ''),
    pairingId: required(params, 'pid'),
    secret: required(params, 's'),
    workspaceName: params.get('ws') ?? undefined,
  };
}

function required(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (!value) throw new UsageError(`the pairing code has no "${name}"`);
  return value;
}
