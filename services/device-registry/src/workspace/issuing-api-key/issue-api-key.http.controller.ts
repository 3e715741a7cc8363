import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { safeText } from '@pushmfa/contracts';
import { parseBody, ProblemException } from '@pushmfa/http';
import { generateApiKey, hashApiKey, OperatorGuard } from '@pushmfa/workspace-access';
import { RegistryRuntime } from '../../registry-runtime';
import { WorkspaceCommands } from '../workspace-commands';

const issueKeyBody = z.object({ role: z.enum(['platform', 'admin']), label: safeText(z.string().trim().min(1).max(200)).optional() }).strict();

@ApiTags('workspaces')
@ApiBearerAuth()
@Controller('v1/workspaces/:workspaceId/api-keys')
@UseGuards(OperatorGuard)
export class IssueApiKeyHttpController {
  constructor(
    private readonly workspaces: WorkspaceCommands,
    private readonly runtime: RegistryRuntime,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Issue a platform or admin key (operator). The key is shown once; only its hash is kept.' })
  async issue(@Param('workspaceId') workspaceId: string, @Body() body: unknown) {
    const { role, label } = parseBody(issueKeyBody, body);
    if (!/^[0-9a-f-]{36}$/.test(workspaceId)) throw new ProblemException('not_found', 'no such workspace');
    const key = generateApiKey(role);
    const keyId = randomUUID();
    const keyHash = hashApiKey(key);
    const result = await this.workspaces.execute(workspaceId, { type: 'IssueApiKey', keyId, role, keyHash, ...(label ? { label } : {}) });
    // Shown only once every service can know it. Should this time out (503), the key was never shown: nobody holds it.
    await this.runtime.published(result);
    return { id: keyId, role, ...(label ? { label } : {}), key };
  }
}
