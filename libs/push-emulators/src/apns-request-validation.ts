import type { IncomingHttpHeaders } from 'node:http2';
import type { ApnsFailureReason } from './apns-responses';

const PUSH_TYPES = new Set([
  'alert',
  'background',
  'location',
  'voip',
  'complication',
  'fileprovider',
  'mdm',
  'liveactivity',
  'pushtotalk',
  'widgets',
  'controls',
]);
const MAX_PAYLOAD_BYTES = 4096;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The first thing APNs would refuse in these headers and body, or undefined when it would take the push. */
export function findApnsRequestProblem(headers: IncomingHttpHeaders, body: Buffer): ApnsFailureReason | undefined {
  const topic = single(headers['apns-topic']);
  const pushType = single(headers['apns-push-type']);
  const priority = single(headers['apns-priority']);
  const expiration = single(headers['apns-expiration']);
  const collapseId = single(headers['apns-collapse-id']);
  const apnsId = single(headers['apns-id']);
  if (topic === undefined || topic === '') return 'MissingTopic';
  if (pushType !== undefined && !PUSH_TYPES.has(pushType)) return 'InvalidPushType';
  if (priority !== undefined && !['1', '5', '10'].includes(priority)) return 'BadPriority';
  if (expiration !== undefined && !/^\d+$/.test(expiration)) return 'BadExpirationDate';
  if (collapseId !== undefined && Buffer.byteLength(collapseId) > 64) return 'BadCollapseId';
  if (apnsId !== undefined && !UUID.test(apnsId)) return 'BadMessageId';
  if (body.length === 0) return 'PayloadEmpty';
  if (body.length > MAX_PAYLOAD_BYTES) return 'PayloadTooLarge';
  try {
    const payload: unknown = JSON.parse(body.toString('utf8'));
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return 'PayloadEmpty';
  } catch {
    return 'PayloadEmpty';
  }
  return undefined;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
