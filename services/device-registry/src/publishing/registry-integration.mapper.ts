import type { RecordedEvent } from '@pushmfa/event-store';
import type { IntegrationMessage } from '@pushmfa/messaging';
import { StoredEventReader } from '@pushmfa/event-store';
import { deviceEvents } from '../device/device.events';
import { pairingEvents } from '../pairing/pairing.events';
import { poolEvents, poolMembershipEvents } from '../pool/pool.events';
import { userEvents } from '../user/user.events';
import { workspaceEvents } from '../workspace/workspace.events';

const registryEvents = StoredEventReader.union(workspaceEvents, pairingEvents, deviceEvents, userEvents, poolEvents, poolMembershipEvents);

const userKey = (workspaceId: string, userId: string) => `${workspaceId}/${userId}`;

/**
 * Maps stored registry events to contract messages, field by field: secret and code hashes stay in the store;
 * events only this service needs (ConfirmationCodeRejected) are not published.
 */
export function mapRegistryEvent(recorded: RecordedEvent): IntegrationMessage | null {
  const workspaceId = String(recorded.metadata.workspaceId ?? '');
  const event = registryEvents.readDomainEvent(recorded);
  switch (event?.type) {
    case 'WorkspaceCreated':
    case 'ApiKeyIssued':
    case 'ApiKeyRevoked':
    case 'WorkspaceSettingsChanged':
      return { ...event, key: event.data.workspaceId, workspaceId: event.data.workspaceId };
    case 'PairingStarted': {
      const { pairingId, userId, expiresAt, deviceName, replaceDeviceId } = event.data;
      const data = { pairingId, userId, expiresAt, ...(deviceName ? { deviceName } : {}), ...(replaceDeviceId ? { replaceDeviceId } : {}) };
      return { type: 'PairingStarted', data, key: userKey(workspaceId, userId), workspaceId };
    }
    case 'DeviceRegistered': {
      const { pairingId, userId, device } = event.data;
      const data = {
        pairingId,
        userId,
        deviceId: device.deviceId,
        platform: device.platform,
        pushProvider: device.pushProvider,
        publicJwk: device.publicJwk,
        ...(device.deviceName ? { deviceName: device.deviceName } : {}),
        ...(device.appVersion ? { appVersion: device.appVersion } : {}),
      };
      return { type: 'DeviceRegistered', data, key: userKey(workspaceId, userId), workspaceId };
    }
    case 'DevicePaired': {
      const { pairingId, userId, device, name, pairedAt, replacedDeviceId } = event.data;
      const data = {
        pairingId,
        deviceId: device.deviceId,
        userId,
        name,
        platform: device.platform,
        pushProvider: device.pushProvider,
        pushToken: device.pushToken,
        publicJwk: device.publicJwk,
        pairedAt,
        ...(replacedDeviceId ? { replacedDeviceId } : {}),
      };
      return { type: 'DevicePaired', data, key: userKey(workspaceId, userId), workspaceId };
    }
    case 'PairingFailed':
      return { type: 'PairingFailed', data: event.data, key: userKey(workspaceId, event.data.userId), workspaceId };
    case 'PushTokenRotated': {
      const { deviceId, userId, pushToken } = event.data;
      return { type: 'PushTokenRotated', data: { deviceId, userId, pushToken }, key: userKey(workspaceId, userId), workspaceId };
    }
    case 'PushTokenInvalidated': {
      const { deviceId, userId, reason } = event.data;
      return { type: 'PushTokenInvalidated', data: { deviceId, userId, reason }, key: userKey(workspaceId, userId), workspaceId };
    }
    case 'DeviceRevoked': {
      const { deviceId, userId, reason, revokedBy } = event.data;
      return { type: 'DeviceRevoked', data: { deviceId, userId, reason, revokedBy }, key: userKey(workspaceId, userId), workspaceId };
    }
    case 'DeviceHealthReported':
      return { type: 'DeviceHealthReported', data: event.data, key: userKey(workspaceId, event.data.userId), workspaceId };
    case 'TestPushRequested':
      return { type: 'TestPushRequested', data: event.data, key: userKey(workspaceId, event.data.userId), workspaceId };
    case 'TestPushReceived':
      return { type: 'TestPushReceived', data: event.data, key: userKey(workspaceId, event.data.userId), workspaceId };
    case 'UserMfaReset': {
      const { userId, revokedDeviceIds, resetBy } = event.data;
      return { type: 'UserMfaReset', data: { userId, revokedDeviceIds, resetBy }, key: userKey(workspaceId, userId), workspaceId };
    }
    case 'PoolCreated':
    case 'PoolChanged':
    case 'PoolDeleted':
      return { ...event, key: workspaceId, workspaceId };
    case 'UserPoolAssigned': {
      const { userId, poolId, previousPoolId, assignedBy } = event.data;
      return { type: 'UserPoolAssigned', data: { userId, poolId, previousPoolId, assignedBy }, key: userKey(workspaceId, userId), workspaceId };
    }
    case 'PushLockLifted': {
      const { userId, liftedBy, reason, lockedUntil, challengeId } = event.data;
      const data = { userId, liftedBy, reason, lockedUntil, ...(challengeId ? { challengeId } : {}) };
      return { type: 'PushLockLifted', data, key: userKey(workspaceId, userId), workspaceId };
    }
    case 'ConfirmationCodeRejected':
      return null;
    default:
      return null;
  }
}
