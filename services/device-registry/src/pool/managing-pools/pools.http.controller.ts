import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { idSchema, poolPolicySchema } from '@pushmfa/contracts';
import { parseBody } from '@pushmfa/http';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import type { PoolView } from '../pool-view';
import { ManagePoolsHandler } from './manage-pools.handler';

const poolChanges = poolPolicySchema.partial().refine((changes) => Object.keys(changes).length > 0, 'name at least one field to change');

/** The workspace's identity pools and their sign-in policy (admin). */
@ApiTags('pools')
@ApiBearerAuth()
@Controller('v1/workspace/pools')
@UseGuards(ApiKeyGuard)
@RequireRole('admin')
export class PoolsHttpController {
  constructor(private readonly managePools: ManagePoolsHandler) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Create a pool: `{name, firstFactor: {methods, preferred?}, secondFactor: {methods, preferred?}, numberMatching?, mfaSessionTtlSeconds?}`',
    description:
      'numberMatching ("off", "always", "choose", "risk"; absent: the workspace\'s setting) applies to this pool\'s pushes; first-factor (passwordless) push always matches a number ("choose" if the pool says so, else typed).',
  })
  create(@Caller() caller: ApiKeyCaller, @Body() body: unknown): Promise<PoolView> {
    const pool = parseBody(poolPolicySchema, body);
    return this.managePools.create({ workspaceId: caller.workspaceId, pool, actor: { kind: 'admin', keyId: caller.keyId } });
  }

  @Get()
  @ApiOperation({ summary: "The workspace's pools, the default one first" })
  async list(@Caller() caller: ApiKeyCaller): Promise<{ items: PoolView[] }> {
    return { items: await this.managePools.list(caller.workspaceId) };
  }

  @Get(':poolId')
  @ApiOperation({ summary: 'One pool; 404 not_found for a pool of no workspace of the caller' })
  read(@Caller() caller: ApiKeyCaller, @Param('poolId') rawPoolId: string): Promise<PoolView> {
    return this.managePools.read(caller.workspaceId, parseBody(idSchema, rawPoolId));
  }

  @Patch(':poolId')
  @ApiOperation({ summary: "Change a pool's name or policy (the default pool's too); `preferred` must stay one of `methods`" })
  change(@Caller() caller: ApiKeyCaller, @Param('poolId') rawPoolId: string, @Body() body: unknown): Promise<PoolView> {
    const poolId = parseBody(idSchema, rawPoolId);
    const changes = parseBody(poolChanges, body);
    return this.managePools.change({ workspaceId: caller.workspaceId, poolId, changes, actor: { kind: 'admin', keyId: caller.keyId } });
  }

  @Delete(':poolId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a pool: 409 pool_in_use while users are assigned to it, 409 pool_is_default for the default pool' })
  remove(@Caller() caller: ApiKeyCaller, @Param('poolId') rawPoolId: string): Promise<void> {
    const poolId = parseBody(idSchema, rawPoolId);
    return this.managePools.remove({ workspaceId: caller.workspaceId, poolId, actor: { kind: 'admin', keyId: caller.keyId } });
  }
}
