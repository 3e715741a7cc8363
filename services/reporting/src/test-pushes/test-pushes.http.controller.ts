import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { idSchema, userIdSchema } from '@pushmfa/contracts';
import { parseBody } from '@pushmfa/http';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { ReadTestPushHandler } from './read-test-push.handler';
import { TEST_PUSH_LIST_LIMIT, TestPushQueries } from './test-push.queries';
import type { TestPushView } from './test-push.view';

const listQuery = z.object({ userId: userIdSchema.optional(), deviceId: idSchema.optional() }).strict();

class TestPushFailureDto {
  @ApiProperty({ description: 'what the push provider or delivery said' })
  reason!: string;

  @ApiProperty({ description: 'the same in the help desk’s words: a phone problem or a server problem' })
  summary!: string;
}

export class TestPushDto {
  @ApiProperty() testPushId!: string;
  @ApiProperty() userId!: string;
  @ApiProperty() deviceId!: string;
  @ApiPropertyOptional() deviceName?: string;
  @ApiPropertyOptional({ format: 'date-time' }) requestedAt?: string;
  @ApiPropertyOptional({ description: 'the admin key that sent it', example: { keyId: 'k-1' } }) requestedBy?: { keyId?: string };
  @ApiProperty({ enum: ['requested', 'delivered', 'failed', 'received'], description: 'the furthest the push got' })
  status!: TestPushView['status'];
  @ApiPropertyOptional({ format: 'date-time', description: 'the push provider took it' }) deliveredAt?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'the app said it received it' }) receivedAt?: string;
  @ApiPropertyOptional({ type: TestPushFailureDto }) failure?: TestPushFailureDto;
}

class TestPushListDto {
  @ApiProperty({ type: [TestPushDto] }) items!: TestPushDto[];
}

@ApiTags('reports')
@ApiBearerAuth()
@Controller('v1/reports/test-pushes')
@UseGuards(ApiKeyGuard)
export class TestPushesHttpController {
  constructor(
    private readonly testPushes: TestPushQueries,
    private readonly readTestPush: ReadTestPushHandler,
  ) {}

  @Get()
  @RequireRole('admin')
  @ApiOperation({ summary: `Admins' test pushes, newest first (at most ${TEST_PUSH_LIST_LIMIT}): whether each was delivered and received` })
  @ApiQuery({ name: 'userId', required: false })
  @ApiQuery({ name: 'deviceId', required: false })
  @ApiOkResponse({ type: TestPushListDto })
  async list(@Caller() caller: ApiKeyCaller, @Query() query: Record<string, unknown>): Promise<{ items: TestPushView[] }> {
    return { items: await this.testPushes.list(caller.workspaceId, parseBody(listQuery, query)) };
  }

  @Get(':testPushId')
  @RequireRole('admin')
  @ApiOperation({ summary: 'One test push: requested, delivered, failed (and why) or received' })
  @ApiOkResponse({ type: TestPushDto })
  read(@Caller() caller: ApiKeyCaller, @Param('testPushId') testPushId: string): Promise<TestPushView> {
    return this.readTestPush.execute({ workspaceId: caller.workspaceId, testPushId });
  }
}
