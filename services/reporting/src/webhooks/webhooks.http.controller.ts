import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { parseBody, ProblemException } from '@pushmfa/http';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { type WebhookDeliveryView, type WebhookEndpointView, WebhookEndpoints } from './webhook-endpoints';
import type { WebhookTargetPolicy } from './webhook-target';
import { createWebhookBodySchema, isWebhookId, listDeliveriesQuerySchema } from './webhook-requests';

/** The target policy (WebhookTargetPolicy), which decides the URLs an endpoint may have (webhook-url.ts). */
export const WEBHOOK_TARGET_POLICY = Symbol('WEBHOOK_TARGET_POLICY');

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('v1/workspace/webhooks')
@UseGuards(ApiKeyGuard)
@RequireRole('admin')
export class WebhooksHttpController {
  private readonly createBody: ReturnType<typeof createWebhookBodySchema>;

  constructor(
    private readonly endpoints: WebhookEndpoints,
    @Inject(WEBHOOK_TARGET_POLICY) policy: WebhookTargetPolicy,
  ) {
    this.createBody = createWebhookBodySchema(policy);
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Register a webhook endpoint; the answer shows its signing secret, once' })
  async create(@Caller() caller: ApiKeyCaller, @Body() body: unknown): Promise<WebhookEndpointView & { secret: string }> {
    const { url, events } = parseBody(this.createBody, body);
    return this.endpoints.create(caller.workspaceId, url, events);
  }

  @Get()
  @ApiOperation({ summary: "The workspace's webhook endpoints (without their secrets)" })
  async list(@Caller() caller: ApiKeyCaller): Promise<{ items: WebhookEndpointView[] }> {
    return { items: await this.endpoints.list(caller.workspaceId) };
  }

  @Post(':webhookId/disable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop sending to an endpoint; its pending deliveries wait' })
  async disable(@Caller() caller: ApiKeyCaller, @Param('webhookId') webhookId: string): Promise<WebhookEndpointView> {
    return found(isWebhookId(webhookId) ? await this.endpoints.disable(caller.workspaceId, webhookId) : undefined);
  }

  @Post(':webhookId/enable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send to an endpoint again (also one disabled as failing); its pending deliveries are due at once' })
  async enable(@Caller() caller: ApiKeyCaller, @Param('webhookId') webhookId: string): Promise<WebhookEndpointView> {
    return found(isWebhookId(webhookId) ? await this.endpoints.enable(caller.workspaceId, webhookId) : undefined);
  }

  @Delete(':webhookId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an endpoint with its deliveries' })
  async delete(@Caller() caller: ApiKeyCaller, @Param('webhookId') webhookId: string): Promise<void> {
    found(isWebhookId(webhookId) && (await this.endpoints.delete(caller.workspaceId, webhookId)) ? true : undefined);
  }

  @Get(':webhookId/deliveries')
  @ApiOperation({ summary: "An endpoint's newest deliveries, each with its attempts (time, HTTP status or error, next attempt)" })
  async deliveries(
    @Caller() caller: ApiKeyCaller,
    @Param('webhookId') webhookId: string,
    @Query() query: Record<string, unknown>,
  ): Promise<{ items: WebhookDeliveryView[] }> {
    const { limit } = parseBody(listDeliveriesQuerySchema, query);
    return { items: found(isWebhookId(webhookId) ? await this.endpoints.deliveries(caller.workspaceId, webhookId, limit) : undefined) };
  }
}

function found<T>(value: T | undefined): T {
  if (value === undefined) throw new ProblemException('not_found', 'no such webhook in this workspace');
  return value;
}
