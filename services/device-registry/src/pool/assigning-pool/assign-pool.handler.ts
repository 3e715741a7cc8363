import { Injectable } from '@nestjs/common';
import { RegistryPublication } from '../../publishing/registry-publication';
import type { Actor } from '../../workspace/workspace.events';
import { PoolCommands } from '../pool-commands';

/**
 * The platform or an admin puts a user in a pool (`default` moves them back): answered once the relay published
 * it. Raises `not_found` for a pool that does not exist (or is being deleted: the pool's row lock decides).
 */
@Injectable()
export class AssignPoolHandler {
  constructor(
    private readonly pools: PoolCommands,
    private readonly publication: RegistryPublication,
  ) {}

  async execute(command: { workspaceId: string; userId: string; poolId: string; actor: Actor }): Promise<{ userId: string; poolId: string }> {
    const { workspaceId, userId, poolId, actor } = command;
    const result = await this.pools.assign(workspaceId, { type: 'AssignPool', userId, poolId, actor });
    await this.publication.published(result);
    return { userId, poolId: result.state.poolId };
  }
}
