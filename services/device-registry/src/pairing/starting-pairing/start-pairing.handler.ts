import { Inject, Injectable } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { DomainError } from '@pushmfa/event-store';
import { DeviceDirectory } from '../../device/device-directory';
import type { RegistryConfig } from '../../config';
import { REGISTRY_CONFIG } from '../../device-registry.di-tokens';
import { WorkspaceCommands } from '../../workspace/workspace-commands';
import { PairingCommands, pairingDigest } from '../pairing-commands';

export interface StartPairing {
  workspaceId: string;
  userId: string;
  deviceName?: string;
  /** The user's device this pairing replaces once confirmed (a lost or new phone). */
  replaceDeviceId?: string;
}

export interface PairingStarted {
  pairingId: string;
  /** What the QR code shows: the registry's public URL, the pairing, its one-time secret, the workspace's name. */
  qrUri: string;
  expiresAt: string;
}

/**
 * The platform starts pairing a phone for a user: a pairing stream with the SHA-256 of a fresh 256-bit secret that
 * only the QR code carries. Raises `not_found` for a workspace that is not active, or a device to replace that is
 * not this user's.
 */
@Injectable()
export class StartPairingHandler {
  constructor(
    private readonly pairings: PairingCommands,
    private readonly workspaces: WorkspaceCommands,
    private readonly deviceDirectory: DeviceDirectory,
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
  ) {}

  async execute(command: StartPairing): Promise<PairingStarted> {
    const { workspaceId, userId, deviceName, replaceDeviceId } = command;
    const workspace = await this.workspaces.load(workspaceId);
    if (workspace.status !== 'active') throw new DomainError('not_found', 'no such workspace');
    if (replaceDeviceId) {
      const replaced = await this.deviceDirectory.find(replaceDeviceId);
      if (!replaced || replaced.workspaceId !== workspaceId || replaced.userId !== userId) throw new DomainError('not_found', 'no such device to replace');
    }
    const pairingId = randomUUID();
    const secret = randomBytes(32).toString('base64url');
    const { state } = await this.pairings.execute(pairingId, workspaceId, {
      type: 'StartPairing',
      pairingId,
      workspaceId,
      userId,
      secretHash: pairingDigest(pairingId, secret),
      now: new Date(),
      ...(deviceName ? { deviceName } : {}),
      ...(replaceDeviceId ? { replaceDeviceId } : {}),
    });
    if (state.status === 'absent') throw new Error('pairing was not started');
    const query = new URLSearchParams({ v: '1', url: this.config.publicBaseUrl, pid: pairingId, s: secret, ws: workspace.name });
    return { pairingId, qrUri: `pushmfa://pair?${query.toString()}`, expiresAt: state.expiresAt };
  }
}
