import { Controller, Delete, HttpCode, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OperatorGuard } from '@pushmfa/workspace-access';
import { RevokeApiKeyHandler } from './revoke-api-key.handler';

@ApiTags('workspaces')
@ApiBearerAuth()
@Controller('v1/workspaces/:workspaceId/api-keys/:keyId')
@UseGuards(OperatorGuard)
export class RevokeApiKeyHttpController {
  constructor(private readonly revokeApiKey: RevokeApiKeyHandler) {}

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key (operator); every service refuses it from the moment this answers' })
  revoke(@Param('workspaceId') workspaceId: string, @Param('keyId') keyId: string): Promise<void> {
    return this.revokeApiKey.execute({ workspaceId, keyId });
  }
}
