import { randomUUID } from 'node:crypto';
import type { SecureClientSessionOptions } from 'node:http2';
import { Provider, type ProviderOptions } from '@parse/node-apn';
import { classifyApnsFailure } from './apns-response.classifier';
import { toApnsNotification } from './apns-notification.mapper';
import { connectThroughEmulator, type EmulatorRoute } from './emulator-route';
import type { PushMessage, PushProvider, PushResult, PushSendOptions, TestPushMessage } from './push-provider.port';
import { withSendDeadline } from './send-deadline';

export interface ApnsProviderConfig {
  /** Path to the .p8 signing key (or its PEM content). */
  key: string;
  keyId: string;
  teamId: string;
  /** The app's bundle id, sent as apns-topic. */
  bundleId: string;
  production: boolean;
  /** Set only for the local emulator: see emulator-route.ts. */
  emulator?: EmulatorRoute;
}

/**
 * node-apn passes its options on to `http2.connect()`, so a `createConnection` here replaces the socket it
 * opens to api(.sandbox).push.apple.com. Not in node-apn's typings, hence the widened type.
 */
type ProviderOptionsWithConnection = ProviderOptions & {
  createConnection?: (authority: URL, options: SecureClientSessionOptions) => ReturnType<typeof connectThroughEmulator>;
};

export class ApnsPushProvider implements PushProvider {
  readonly name = 'apns' as const;
  private readonly provider: Provider;

  constructor(private readonly config: ApnsProviderConfig) {
    const route = config.emulator;
    const options: ProviderOptionsWithConnection = {
      token: { key: config.key, keyId: config.keyId, teamId: config.teamId },
      production: config.production,
      // Delivery owns retries and backoff; node-apn would otherwise retry 429/5xx up to 3 times inside one send.
      connectionRetryLimit: 0,
      ...(route === undefined ? {} : { createConnection: (authority: URL) => connectThroughEmulator(route, authority.hostname, ['h2']) }),
    };
    this.provider = new Provider(options);
  }

  send(message: PushMessage | TestPushMessage, options: PushSendOptions): Promise<PushResult> {
    return withSendDeadline(options.deadlineMs, async () => {
      const startedAtMs = Date.now();
      const apnsId = randomUUID();
      try {
        const { sent, failed } = await this.provider.send(toApnsNotification(message, this.config.bundleId, apnsId), message.pushToken);
        if (sent.length > 0) {
          const echoedId = (sent[0] as { 'apns-id'?: string } | undefined)?.['apns-id'];
          return { outcome: 'accepted', providerMessageId: echoedId ?? apnsId, latencyMs: Date.now() - startedAtMs };
        }
        return classifyApnsFailure(failed[0]);
      } catch (error) {
        return { outcome: 'transient', reason: error instanceof Error ? error.message : 'apns/unexpected-error' };
      }
    });
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => void this.provider.shutdown(resolve));
  }
}
