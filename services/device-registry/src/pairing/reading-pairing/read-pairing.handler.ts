import { Injectable } from '@nestjs/common';
import { visibleStatus } from '../pairing.decider';
import { PairingCommands } from '../pairing-commands';

export interface ReadPairing {
  workspaceId: string;
  pairingId: string;
}

/** A pairing's status as the platform sees it (expired once past its time); another workspace's reads as absent (`not_found`). */
@Injectable()
export class ReadPairingHandler {
  constructor(private readonly pairings: PairingCommands) {}

  async execute({ workspaceId, pairingId }: ReadPairing) {
    const state = await this.pairings.load(pairingId, workspaceId);
    const status = visibleStatus(state, new Date());
    const deviceId = state.status === 'confirmed' || state.status === 'awaiting_confirmation' ? state.device.deviceId : undefined;
    return { pairingId, userId: state.userId, status, ...(deviceId ? { deviceId } : {}) };
  }
}
