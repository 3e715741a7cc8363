import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type https from 'node:https';
import { cert, deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getMessaging, type Messaging } from 'firebase-admin/messaging';
import type { EmulatorRoute } from './emulator-route';
import { classifyFcmError } from './fcm-error.classifier';
import { createFcmHttpsAgent } from './fcm-https-agent';
import { toFcmMessage } from './fcm-message.mapper';
import type { PushMessage, PushProvider, PushResult, PushSendOptions, TestPushMessage } from './push-provider.port';
import { withSendDeadline } from './send-deadline';

export interface FcmProviderConfig {
  /**
   * Path to the service-account JSON. A path, not the parsed object: firebase-admin 13/14 drops the agent given to
   * `cert()` when it gets an object (firebase/firebase-admin-node#2960), and the token fetch would then bypass it.
   */
  serviceAccountFile: string;
  /** Defaults to the service account's project_id. */
  projectId?: string;
  /** Set only for the local emulator: see emulator-route.ts. */
  emulator?: EmulatorRoute;
  maxSockets?: number;
}

/**
 * firebase-admin retries 503s and socket resets up to 4 times with backoff of up to 60 s inside one send(), and
 * offers no public setting for it. Delivery owns retries (with its own backoff and the challenge's expiry), so
 * keep only one immediate retry of a reset keep-alive socket. The field is internal: if a future version moves
 * it, nothing breaks, the deadline still bounds every send.
 */
const SDK_RETRY = { maxRetries: 1, statusCodes: [], ioErrorCodes: ['ECONNRESET'], backOffFactor: 0, maxDelayInMillis: 0 };

export class FcmPushProvider implements PushProvider {
  readonly name = 'fcm' as const;
  private readonly app: App;
  private readonly messaging: Messaging;
  private readonly agent: https.Agent;

  constructor(config: FcmProviderConfig) {
    this.agent = createFcmHttpsAgent(config.emulator, config.maxSockets);
    const projectId = config.projectId ?? readProjectId(config.serviceAccountFile);
    this.app = initializeApp(
      { credential: cert(config.serviceAccountFile, this.agent), projectId, httpAgent: this.agent },
      `pushmfa-delivery-fcm-${randomUUID()}`,
    );
    this.messaging = getMessaging(this.app);
    boundSdkRetries(this.messaging);
  }

  send(message: PushMessage | TestPushMessage, options: PushSendOptions): Promise<PushResult> {
    return withSendDeadline(options.deadlineMs, async () => {
      const startedAtMs = Date.now();
      try {
        const providerMessageId = await this.messaging.send(toFcmMessage(message, startedAtMs));
        return { outcome: 'accepted', providerMessageId, latencyMs: Date.now() - startedAtMs };
      } catch (error) {
        return classifyFcmError(error);
      }
    });
  }

  async close(): Promise<void> {
    await deleteApp(this.app);
    this.agent.destroy();
  }
}

function readProjectId(serviceAccountFile: string): string {
  const { project_id: projectId } = JSON.parse(readFileSync(serviceAccountFile, 'utf8')) as { project_id?: unknown };
  if (typeof projectId !== 'string' || projectId === '') throw new Error(`${serviceAccountFile} has no project_id`);
  return projectId;
}

function boundSdkRetries(messaging: Messaging): void {
  const handler = (messaging as unknown as { messagingRequestHandler?: { httpClient?: { retry?: unknown } } }).messagingRequestHandler;
  if (handler?.httpClient !== undefined && 'retry' in handler.httpClient) handler.httpClient.retry = SDK_RETRY;
}
