import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { parseBody } from '@pushmfa/http';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { WEBHOOK_TARGET_POLICY } from '../reporting.di-tokens';
import { ManageWebhooksHandler } from './manage-webhooks.handler';
import type { WebhookDeliveryView, WebhookEndpointView } from './webhook-endpoints';
import type { WebhookTargetPolicy } from './webhook-target';
import { createWebhookBodySchema, listDeliveriesQuerySchema } from './webhook-requests';

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('v1/workspace/webhooks')
@UseGuards(ApiKeyGuard)
@RequireRole('admin')
export class WebhooksHttpController {
  private readonly createBody: ReturnType<typeof createWebhookBodySchema>;

  constructor(
    private readonly webhooks: ManageWebhooksHandler,
    @Inject(WEBHOOK_TARGET_POLICY) policy: WebhookTargetPolicy,
  ) {
    this.createBody = createWebhookBodySchema(policy);
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Register a webhook endpoint; the answer shows its signing secret, once' })
  create(@Caller() caller: ApiKeyCaller, @Body() body: unknown): Promise<WebhookEndpointView & { secret: string }> {
    const { url, events } = parseBody(this.createBody, body);
    return this.webhooks.create({ workspaceId: caller.workspaceId, url, events });
  }

  @Get()
  @ApiOperation({ summary: "The workspace's webhook endpoints (without their secrets)" })
  list(@Caller() caller: ApiKeyCaller): Promise<{ items: WebhookEndpointView[] }> {
    return this.webhooks.list({ workspaceId: caller.workspaceId });
  }

  @Post(':webhookId/disable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop sending to an endpoint; its pending deliveries wait' })
  disable(@Caller() caller: ApiKeyCaller, @Param('webhookId') webhookId: string): Promise<WebhookEndpointView> {
    return this.webhooks.disable({ workspaceId: caller.workspaceId, webhookId });
  }

  @Post(':webhookId/enable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send to an endpoint again (also one disabled as failing); its pending deliveries are due at once' })
  enable(@Caller() caller: ApiKeyCaller, @Param('webhookId') webhookId: string): Promise<WebhookEndpointView> {
    return this.webhooks.enable({ workspaceId: caller.workspaceId, webhookId });
  }

  @Delete(':webhookId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an endpoint with its deliveries' })
  delete(@Caller() caller: ApiKeyCaller, @Param('webhookId') webhookId: string): Promise<void> {
    return this.webhooks.remove({ workspaceId: caller.workspaceId, webhookId });
  }

  @Get(':webhookId/deliveries')
  @ApiOperation({ summary: "An endpoint's newest deliveries, each with its attempts (time, HTTP status or error, next attempt)" })
  deliveries(
    @Caller() caller: ApiKeyCaller,
    @Param('webhookId') webhookId: string,
    @Query() query: Record<string, unknown>,
  ): Promise<{ items: WebhookDeliveryView[] }> {
    const { limit } = parseBody(listDeliveriesQuerySchema, query);
    return this.webhooks.deliveries({ workspaceId: caller.workspaceId, webhookId, limit });
  }
}
