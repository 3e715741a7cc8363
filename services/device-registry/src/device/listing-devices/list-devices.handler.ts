import { Injectable } from '@nestjs/common';
import { deviceHealthSummary } from '@pushmfa/contracts';
import { DeviceDirectory, type DeviceRow } from '../device-directory';

export interface ListDevices {
  workspaceId: string;
  userId: string;
}

/** The user's devices, active and revoked, oldest first, each with its last health report (null before the first). */
@Injectable()
export class ListDevicesHandler {
  constructor(private readonly directory: DeviceDirectory) {}

  async execute({ workspaceId, userId }: ListDevices) {
    const rows = await this.directory.listForUser(workspaceId, userId);
    return {
      items: rows.map(({ deviceId, name, platform, pushProvider, status, pairedAt, lastSeenAt, pushTokenStatus, health }) => ({
        deviceId,
        name,
        platform,
        pushProvider,
        status,
        pairedAt,
        lastSeenAt,
        pushTokenStatus,
        health: health ? healthOf(health) : null,
      })),
    };
  }
}

/** Every field, null when the app did not report it, and the admins' sentence. */
function healthOf(health: NonNullable<DeviceRow['health']>) {
  return {
    notifications: health.notifications ?? null,
    focusMode: health.focusMode ?? null,
    batterySaver: health.batterySaver ?? null,
    backgroundRefresh: health.backgroundRefresh ?? null,
    appVersion: health.appVersion ?? null,
    osVersion: health.osVersion ?? null,
    lastPushSeenAt: health.lastPushSeenAt ?? null,
    reportedAt: health.reportedAt,
    summary: deviceHealthSummary(health),
  };
}
