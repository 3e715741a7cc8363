import { Injectable } from '@nestjs/common';
import { DomainError } from '@pushmfa/event-store';
import { RegistryPublication } from '../../publishing/registry-publication';
import { DeviceDirectory } from '../../device/device-directory';
import type { Actor } from '../../workspace/workspace.events';
import { WorkspaceCommands } from '../../workspace/workspace-commands';
import { MAX_WRONG_CODES } from '../pairing.decider';
import { PairingCommands, pairingDigest } from '../pairing-commands';
import { ReplacedDeviceRevoker } from './replaced-device-revoker';

export interface ConfirmPairing {
  workspaceId: string;
  pairingId: string;
  /** The six digits the user typed on the platform. */
  code: string;
  confirmedBy: Actor;
}

export interface PairingConfirmed {
  deviceId: string;
  status: 'active';
}

/**
 * The platform confirms a pairing with the code the app showed. Under the user's device lock (so racing pairings
 * of one user count each other against `maxDevicesPerUser`), the pairing decides; its DevicePaired writes the
 * device's row in the same transaction. A re-pairing then revokes the device it replaces, and the answer waits
 * until the relay has published the pairing (others must honour the new device at once).
 * Raises `not_found`, `invalid_confirmation_code`, `pairing_failed`, `device_limit_reached` (the decider's).
 */
@Injectable()
export class ConfirmPairingHandler {
  constructor(
    private readonly pairings: PairingCommands,
    private readonly workspaces: WorkspaceCommands,
    private readonly replaced: ReplacedDeviceRevoker,
    private readonly publication: RegistryPublication,
    private readonly deviceDirectory: DeviceDirectory,
  ) {}

  async execute(command: ConfirmPairing): Promise<PairingConfirmed> {
    const { workspaceId, pairingId } = command;
    const pairing = await this.pairings.load(pairingId, workspaceId);
    const workspace = await this.workspaces.load(workspaceId);
    if (workspace.status !== 'active') throw new DomainError('not_found', 'no such workspace');
    const directory = this.deviceDirectory;
    const confirmed = await directory.whileHoldingUserLock(workspaceId, pairing.userId, async () =>
      this.pairings.execute(pairingId, workspaceId, {
        type: 'ConfirmPairing',
        codeHash: pairingDigest(pairingId, command.code),
        now: new Date(),
        activeDeviceIds: await directory.activeDeviceIds(workspaceId, pairing.userId),
        maxDevicesPerUser: workspace.settings.maxDevicesPerUser,
      }),
    );
    const { state, newEvents } = confirmed;
    if (newEvents.some((e) => e.type === 'PairingFailed')) throw new DomainError('pairing_failed', `${MAX_WRONG_CODES} wrong codes: this pairing has failed`);
    if (newEvents.some((e) => e.type === 'ConfirmationCodeRejected')) throw new DomainError('invalid_confirmation_code', 'the confirmation code is wrong');
    if (state.status !== 'confirmed') throw new DomainError('pairing_failed', 'the pairing could not be confirmed');
    const paired = newEvents.find((e) => e.type === 'DevicePaired');
    if (paired?.type === 'DevicePaired' && paired.data.replacedDeviceId) {
      await this.replaced.revoke(workspaceId, pairing.userId, paired.data.replacedDeviceId, command.confirmedBy);
    }
    // The challenge service learns of the device (and that it replaces another) from this one event.
    await this.publication.published(confirmed);
    return { deviceId: state.device.deviceId, status: 'active' };
  }
}
