import { Injectable } from '@nestjs/common';
import { RegistryPublication } from '../../publishing/registry-publication';
import { UserCommands } from '../user-commands';

/**
 * The help desk lifts a user's push lock (after a fraud report or wrong numbers): answered once the relay published
 * it, so the challenge service honours it on the next request. Raises `not_found` when no lock is in force, and
 * `unavailable` while the registry's view of the locks cannot be shown current.
 */
@Injectable()
export class LiftPushLockHandler {
  constructor(
    private readonly users: UserCommands,
    private readonly publication: RegistryPublication,
  ) {}

  async execute(command: { workspaceId: string; userId: string; keyId: string }): Promise<void> {
    const result = await this.users.liftPushLock(command.workspaceId, command.userId, command.keyId);
    await this.publication.published(result);
  }
}
