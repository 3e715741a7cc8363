import { Controller, Delete, HttpCode, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProblemException } from '@pushmfa/http';
import { OperatorGuard } from '@pushmfa/workspace-access';
import { RegistryRuntime } from '../../registry-runtime';
import { WorkspaceCommands } from '../workspace-commands';

const UUID = /^[0-9a-f-]{36}$/;

@ApiTags('workspaces')
@ApiBearerAuth()
@Controller('v1/workspaces/:workspaceId/api-keys/:keyId')
@UseGuards(OperatorGuard)
export class RevokeApiKeyHttpController {
  constructor(
    private readonly workspaces: WorkspaceCommands,
    private readonly runtime: RegistryRuntime,
  ) {}

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key (operator); every service refuses it from the moment this answers' })
  async revoke(@Param('workspaceId') workspaceId: string, @Param('keyId') keyId: string): Promise<void> {
    if (!UUID.test(workspaceId) || !UUID.test(keyId)) throw new ProblemException('not_found', 'no such API key');
    const result = await this.workspaces.execute(workspaceId, { type: 'RevokeApiKey', keyId });
    await this.runtime.published(result);
  }
}
