import type { ReportedDeviceHealth } from '@pushmfa/contracts';
import { type DomainEvent, StoredEventReader } from '@pushmfa/event-store';
import type { Actor } from '../workspace/workspace.events';

export type DeviceRevocationReason = 'revoked' | 'replaced' | 'mfa_reset';

/**
 * Events of the device stream (`device-<deviceId>`). The device is born by DevicePaired in its pairing stream;
 * this stream holds what happens to it afterwards. Stored type names never change.
 */
export type DeviceEvent =
  | DomainEvent<'PushTokenRotated', { deviceId: string; userId: string; pushToken: string; rotatedAt: string }>
  | DomainEvent<'PushTokenInvalidated', { deviceId: string; userId: string; reason: string; reportedAt: string }>
  | DomainEvent<'DeviceRevoked', { deviceId: string; userId: string; reason: DeviceRevocationReason; revokedBy: Actor; revokedAt: string }>
  | DomainEvent<'DeviceHealthReported', { deviceId: string; userId: string; reportedAt: string } & ReportedDeviceHealth>
  | DomainEvent<'TestPushRequested', { testPushId: string; deviceId: string; userId: string; requestedBy: Actor; requestedAt: string }>
  | DomainEvent<'TestPushReceived', { testPushId: string; deviceId: string; userId: string; receivedAt: string }>;

export const DEVICE_EVENT_TYPES: readonly DeviceEvent['type'][] = [
  'PushTokenRotated',
  'PushTokenInvalidated',
  'DeviceRevoked',
  'DeviceHealthReported',
  'TestPushRequested',
  'TestPushReceived',
];

/** Reads the device stream's stored events (each type still has its first shape). */
export const deviceEvents = new StoredEventReader<DeviceEvent>({
  PushTokenRotated: true,
  PushTokenInvalidated: true,
  DeviceRevoked: true,
  DeviceHealthReported: true,
  TestPushRequested: true,
  TestPushReceived: true,
});

export const deviceStreamId = (deviceId: string) => `device-${deviceId}`;
