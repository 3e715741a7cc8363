import { Injectable } from '@nestjs/common';
import { DomainError } from '@pushmfa/event-store';
import { type WebhookDeliveryView, type WebhookEndpointView, WebhookEndpoints } from './webhook-endpoints';
import type { WebhookEventName } from './webhook-events';
import { isWebhookId } from './webhook-requests';

export interface WebhookOf {
  workspaceId: string;
  webhookId: string;
}

/**
 * An admin manages the workspace's webhook endpoints: registers one (its signing secret is answered once), lists them
 * (without secrets), disables, enables and deletes one, and reads its newest deliveries. Raises `not_found` for a
 * webhook id that names no endpoint of the workspace: malformed, another workspace's, or deleted alike.
 */
@Injectable()
export class ManageWebhooksHandler {
  constructor(private readonly endpoints: WebhookEndpoints) {}

  create(command: { workspaceId: string; url: string; events: WebhookEventName[] }): Promise<WebhookEndpointView & { secret: string }> {
    return this.endpoints.create(command.workspaceId, command.url, command.events);
  }

  async list({ workspaceId }: { workspaceId: string }): Promise<{ items: WebhookEndpointView[] }> {
    return { items: await this.endpoints.list(workspaceId) };
  }

  /** Stops sending to the endpoint; its pending deliveries wait. */
  async disable({ workspaceId, webhookId }: WebhookOf): Promise<WebhookEndpointView> {
    return found(isWebhookId(webhookId) ? await this.endpoints.disable(workspaceId, webhookId) : undefined);
  }

  /** Sends to the endpoint again (also one disabled as failing); its pending deliveries are due at once. */
  async enable({ workspaceId, webhookId }: WebhookOf): Promise<WebhookEndpointView> {
    return found(isWebhookId(webhookId) ? await this.endpoints.enable(workspaceId, webhookId) : undefined);
  }

  /** Deletes the endpoint with its deliveries. */
  async remove({ workspaceId, webhookId }: WebhookOf): Promise<void> {
    found(isWebhookId(webhookId) && (await this.endpoints.delete(workspaceId, webhookId)) ? true : undefined);
  }

  async deliveries({ workspaceId, webhookId, limit }: WebhookOf & { limit: number }): Promise<{ items: WebhookDeliveryView[] }> {
    return { items: found(isWebhookId(webhookId) ? await this.endpoints.deliveries(workspaceId, webhookId, limit) : undefined) };
  }
}

function found<T>(value: T | undefined): T {
  if (value === undefined) throw new DomainError('not_found', 'no such webhook in this workspace');
  return value;
}
