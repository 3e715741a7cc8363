import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Where a webhook may point. A workspace admin chooses the URL, so without a guard the sender would POST (and report
 * the answer's status back to that admin) to whatever the service's network reaches: the cloud's metadata endpoint,
 * the database, an internal admin page. Unless the operator allows private targets (WEBHOOK_ALLOW_PRIVATE_TARGETS,
 * on by default in development mode only), every address the URL's host resolves to must be public, and the
 * connection goes to the address that was checked, so a name that resolves differently a moment later cannot slip
 * through.
 */
export interface WebhookTargetPolicy {
  allowPrivateTargets: boolean;
}

/** Special-purpose ranges (IANA IPv4/IPv6 special-purpose registries): never a security team's public endpoint. */
const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b:1::', 48], // local-use IPv4/IPv6 translation
  ['100::', 64], // discard-only
  ['2001::', 23], // IETF protocol assignments (Teredo, benchmarking, ORCHID)
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4 (embeds an IPv4 address)
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/** The IPv4 address an IPv6 address carries (IPv4-mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`), if any. */
function embeddedIpv4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const prefix = ['::ffff:', '64:ff9b::'].find((p) => lower.startsWith(p));
  if (!prefix) return undefined;
  const rest = lower.slice(prefix.length);
  if (isIP(rest) === 4) return rest;
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(rest);
  if (!hex) return undefined;
  const high = parseInt(hex[1]!, 16);
  const low = parseInt(hex[2]!, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** Whether `address` (an IP literal) is loopback, private, link-local or otherwise not a public Internet address. */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return NOT_PUBLIC.check(address, 'ipv4');
  if (family !== 6) return true;
  const v4 = embeddedIpv4(address);
  if (v4 !== undefined) return NOT_PUBLIC.check(v4, 'ipv4');
  return NOT_PUBLIC.check(address, 'ipv6');
}

/** A URL host without the brackets of an IPv6 literal. */
export function bareHost(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

export class NonPublicTargetError extends Error {
  readonly code = 'ENONPUBLICTARGET';
}

/**
 * A `lookup` for http(s).request that resolves every address of the host and fails unless all are public; the
 * socket then connects to one of the checked addresses.
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  const all: LookupAllOptions = { ...options, all: true };
  dnsLookup(hostname, all, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const refused = addresses.find((entry) => isNonPublicAddress(entry.address));
    if (refused || addresses.length === 0) {
      const reason = refused ? `resolves to a non-public address (${refused.address})` : 'resolves to no address';
      return callback(new NonPublicTargetError(`${hostname} ${reason}`), '', 0);
    }
    if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    const first = addresses[0]!;
    callback(null, first.address, first.family);
  });
};

export interface WebhookPost {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

/**
 * POSTs one webhook delivery and answers the HTTP status (a redirect is not followed: it would carry the signed body
 * where the admin did not register). Fails with NonPublicTargetError when the policy forbids the target, and with a
 * TimeoutError when no answer came within the time limit.
 */
export function postWebhook(post: WebhookPost, policy: WebhookTargetPolicy): Promise<number> {
  const url = new URL(post.url);
  const host = bareHost(url.hostname);
  if (!policy.allowPrivateTargets && isIP(host) !== 0 && isNonPublicAddress(host)) {
    return Promise.reject(new NonPublicTargetError(`${host} is not a public address`));
  }
  const signal = AbortSignal.timeout(post.timeoutMs);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<number>((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: 'POST',
        headers: { ...post.headers, 'content-length': String(Buffer.byteLength(post.body)) },
        signal,
        ...(policy.allowPrivateTargets ? {} : { lookup: publicOnlyLookup }),
      },
      (response: IncomingMessage) => {
        // The answer's body is not read: only its status counts.
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    outgoing.on('error', (error) => reject(signal.aborted ? Object.assign(new Error('timeout'), { name: 'TimeoutError' }) : error));
    outgoing.end(post.body);
  });
}
