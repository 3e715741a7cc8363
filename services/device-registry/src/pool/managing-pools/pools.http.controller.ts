import { randomUUID } from 'node:crypto';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DEFAULT_POOL_ID, idSchema, poolPolicySchema } from '@pushmfa/contracts';
import { parseBody, ProblemException } from '@pushmfa/http';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { RegistryRuntime } from '../../registry-runtime';
import { PoolCommands } from '../pool-commands';
import { type PoolView, poolView } from '../pool-view';

const poolChanges = poolPolicySchema.partial().refine((changes) => Object.keys(changes).length > 0, 'name at least one field to change');

/** The workspace's identity pools and their sign-in policy (admin). */
@ApiTags('pools')
@ApiBearerAuth()
@Controller('v1/workspace/pools')
@UseGuards(ApiKeyGuard)
@RequireRole('admin')
export class PoolsHttpController {
  constructor(
    private readonly pools: PoolCommands,
    private readonly runtime: RegistryRuntime,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Create a pool: `{name, firstFactor: {methods, preferred?}, secondFactor: {methods, preferred?}, numberMatching?, mfaSessionTtlSeconds?}`',
    description:
      'numberMatching ("off", "always", "choose", "risk"; absent: the workspace\'s setting) applies to this pool\'s pushes; first-factor (passwordless) push always matches a number ("choose" if the pool says so, else typed).',
  })
  async create(@Caller() caller: ApiKeyCaller, @Body() body: unknown): Promise<PoolView> {
    const pool = parseBody(poolPolicySchema, body);
    const poolId = randomUUID();
    const result = await this.pools.execute(caller.workspaceId, { type: 'CreatePool', poolId, pool, actor: { kind: 'admin', keyId: caller.keyId } });
    await this.runtime.published(result);
    return poolView(poolId, pool, 0);
  }

  @Get()
  @ApiOperation({ summary: "The workspace's pools, the default one first" })
  async list(@Caller() caller: ApiKeyCaller): Promise<{ items: PoolView[] }> {
    const [{ pools }, members] = await Promise.all([this.pools.load(caller.workspaceId), this.runtime.pools.memberCounts(caller.workspaceId)]);
    const items = [...pools].map(([poolId, pool]) => poolView(poolId, pool, members.get(poolId) ?? 0));
    items.sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || a.name.localeCompare(b.name));
    return { items };
  }

  @Get(':poolId')
  @ApiOperation({ summary: 'One pool; 404 not_found for a pool of no workspace of the caller' })
  async read(@Caller() caller: ApiKeyCaller, @Param('poolId') rawPoolId: string): Promise<PoolView> {
    const poolId = parseBody(idSchema, rawPoolId);
    const [{ pools }, members] = await Promise.all([this.pools.load(caller.workspaceId), this.runtime.pools.memberCounts(caller.workspaceId)]);
    const pool = pools.get(poolId);
    if (!pool) throw new ProblemException('not_found', 'no such pool');
    return poolView(poolId, pool, members.get(poolId) ?? 0);
  }

  @Patch(':poolId')
  @ApiOperation({ summary: "Change a pool's name or policy (the default pool's too); `preferred` must stay one of `methods`" })
  async change(@Caller() caller: ApiKeyCaller, @Param('poolId') rawPoolId: string, @Body() body: unknown): Promise<PoolView> {
    const poolId = parseBody(idSchema, rawPoolId);
    const changes = parseBody(poolChanges, body);
    const result = await this.pools.execute(caller.workspaceId, { type: 'ChangePool', poolId, changes, actor: { kind: 'admin', keyId: caller.keyId } });
    await this.runtime.published(result);
    const members = await this.runtime.pools.memberCounts(caller.workspaceId);
    return poolView(poolId, result.state.pools.get(poolId)!, members.get(poolId) ?? 0);
  }

  @Delete(':poolId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a pool: 409 pool_in_use while users are assigned to it, 409 pool_is_default for the default pool' })
  async remove(@Caller() caller: ApiKeyCaller, @Param('poolId') rawPoolId: string): Promise<void> {
    const poolId = parseBody(idSchema, rawPoolId);
    if (poolId === DEFAULT_POOL_ID) throw new ProblemException('pool_is_default', 'the default pool cannot be deleted');
    const result = await this.pools.execute(caller.workspaceId, { type: 'DeletePool', poolId, actor: { kind: 'admin', keyId: caller.keyId } });
    await this.runtime.published(result);
  }
}
