import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DEFAULT_POOL_ID, type PoolPolicy } from '@pushmfa/contracts';
import { DomainError } from '@pushmfa/event-store';
import { RegistryPublication } from '../../publishing/registry-publication';
import { PoolDirectory } from '../../pool/pool-directory';
import type { Actor } from '../../workspace/workspace.events';
import { PoolCommands } from '../pool-commands';
import { type PoolView, poolView } from '../pool-view';

/**
 * An admin manages the workspace's identity pools: creates, changes and deletes them (each answered once the relay
 * published it, so the challenge service applies the policy from the next request), and reads them with their
 * member counts. Raises `not_found`, `pool_name_taken`, `pool_limit_reached`, `pool_in_use`, `pool_is_default`
 * and `validation_failed` (a preferred method not among the methods).
 */
@Injectable()
export class ManagePoolsHandler {
  constructor(
    private readonly pools: PoolCommands,
    private readonly publication: RegistryPublication,
    private readonly poolDirectory: PoolDirectory,
  ) {}

  async create(command: { workspaceId: string; pool: PoolPolicy; actor: Actor }): Promise<PoolView> {
    const poolId = randomUUID();
    const result = await this.pools.execute(command.workspaceId, { type: 'CreatePool', poolId, pool: command.pool, actor: command.actor });
    await this.publication.published(result);
    return poolView(poolId, command.pool, 0);
  }

  async change(command: { workspaceId: string; poolId: string; changes: Partial<PoolPolicy>; actor: Actor }): Promise<PoolView> {
    const { workspaceId, poolId, changes, actor } = command;
    const result = await this.pools.execute(workspaceId, { type: 'ChangePool', poolId, changes, actor });
    await this.publication.published(result);
    const members = await this.poolDirectory.memberCounts(workspaceId);
    return poolView(poolId, result.state.pools.get(poolId)!, members.get(poolId) ?? 0);
  }

  async remove(command: { workspaceId: string; poolId: string; actor: Actor }): Promise<void> {
    if (command.poolId === DEFAULT_POOL_ID) throw new DomainError('pool_is_default', 'the default pool cannot be deleted');
    const result = await this.pools.execute(command.workspaceId, { type: 'DeletePool', poolId: command.poolId, actor: command.actor });
    await this.publication.published(result);
  }

  /** The workspace's pools, the default one first, then by name. */
  async list(workspaceId: string): Promise<PoolView[]> {
    const [{ pools }, members] = await Promise.all([this.pools.load(workspaceId), this.poolDirectory.memberCounts(workspaceId)]);
    const items = [...pools].map(([poolId, pool]) => poolView(poolId, pool, members.get(poolId) ?? 0));
    return items.sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || a.name.localeCompare(b.name));
  }

  async read(workspaceId: string, poolId: string): Promise<PoolView> {
    const [{ pools }, members] = await Promise.all([this.pools.load(workspaceId), this.poolDirectory.memberCounts(workspaceId)]);
    const pool = pools.get(poolId);
    if (!pool) throw new DomainError('not_found', 'no such pool');
    return poolView(poolId, pool, members.get(poolId) ?? 0);
  }
}
