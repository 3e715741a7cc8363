import { Injectable } from '@nestjs/common';
import { DomainError } from '@pushmfa/event-store';
import { DeviceDirectory } from '../../device/device-directory';
import { PoolDirectory } from '../../pool/pool-directory';
import { PushLockView } from '../../user/push-lock-view/push-lock-view';
import { WorkspaceCommands } from '../../workspace/workspace-commands';
import { type SignInOptions, signInOptions } from './sign-in-options';

/**
 * What the sign-in page may offer a user: their pool's factors, and whether push can be offered now, from the
 * user's pool, the workspace's switch, the active devices and the push-lock view. Raises `not_found` for a
 * workspace that is not active.
 */
@Injectable()
export class SignInOptionsHandler {
  constructor(
    private readonly workspaces: WorkspaceCommands,
    private readonly deviceDirectory: DeviceDirectory,
    private readonly poolDirectory: PoolDirectory,
    private readonly pushLocks: PushLockView,
  ) {}

  async execute(query: { workspaceId: string; userId: string }): Promise<SignInOptions> {
    const { workspaceId, userId } = query;
    const poolId = await this.poolDirectory.poolIdOf(workspaceId, userId);
    const [workspace, pool, activeDevices, pushLocked] = await Promise.all([
      this.workspaces.load(workspaceId),
      this.poolDirectory.policyOf(workspaceId, poolId),
      this.deviceDirectory.activeDeviceIds(workspaceId, userId),
      this.pushLocks.isLocked(workspaceId, userId, new Date()),
    ]);
    if (workspace.status !== 'active' || !pool) throw new DomainError('not_found', 'no such workspace');
    return signInOptions({ poolId, pool, pushEnabled: workspace.settings.pushEnabled, activeDevices: activeDevices.length, pushLocked });
  }
}
