import { describe, expect, it } from '@jest/globals';
import type { KafkaEventPublisher, OutgoingEvent } from '@pushmfa/messaging';
import type { ChallengeConfig } from '../../config';
import type { RegistryView } from '../../registry-view/registry-view';
import type { ChallengeCommands } from '../challenge-commands';
import { ShareDiagnosticsHandler } from './share-diagnostics.handler';
import { pushTokenSha256 } from './log-redactor';

const TOKEN = 'fcm-token-0123456789abcdef';

function sharerWith(publisher: { isConnected: boolean; publish(events: OutgoingEvent[]): Promise<void> }) {
  const registry = {
    settings: async () => null,
    pushTokenSha256: async () => pushTokenSha256(TOKEN),
  } as unknown as RegistryView;
  return new ShareDiagnosticsHandler({ topicPrefix: 't.' } as ChallengeConfig, registry, publisher as unknown as KafkaEventPublisher, {} as ChallengeCommands);
}

const share = { workspaceId: 'ws1', userId: 'alice', deviceId: 'd1', logs: [`token ${TOKEN}`] };

describe('ShareDiagnosticsHandler', () => {
  it('publishes the redacted logs keyed by workspace and incident, with the default 30-day retention', async () => {
    const sent: OutgoingEvent[] = [];
    const sharer = sharerWith({ isConnected: true, publish: async (events) => void sent.push(...events) });
    const { incidentId } = await sharer.execute(share);
    expect(sent).toHaveLength(1);
    const [event] = sent;
    expect(event!.topic).toBe('t.pushmfa.challenge.v1');
    expect(event!.key).toBe(`ws1/${incidentId}`);
    const data = event!.envelope.data as { logs: string[]; sharedAt: string; expiresAt: string };
    expect(data.logs).toEqual(['token [push token …abcdef]']);
    expect(Date.parse(data.expiresAt) - Date.parse(data.sharedAt)).toBe(30 * 86_400_000);
  });

  it('refuses logs that redaction would make too large a record, publishing nothing', async () => {
    const sent: OutgoingEvent[] = [];
    const sharer = sharerWith({ isConnected: true, publish: async (events) => void sent.push(...events) });
    const logs = Array.from({ length: 5000 }, () => 'password=a '.repeat(20));
    await expect(sharer.execute({ ...share, logs })).rejects.toMatchObject({ code: 'payload_too_large' });
    expect(sent).toEqual([]);
  });

  it('answers unavailable when the producer is not connected, refuses, or the broker does not acknowledge in time', async () => {
    const down = sharerWith({ isConnected: false, publish: async () => undefined });
    await expect(down.execute(share)).rejects.toMatchObject({ code: 'unavailable' });
    const refusing = sharerWith({ isConnected: true, publish: async () => Promise.reject(new Error('NOT_ENOUGH_REPLICAS')) });
    await expect(refusing.execute(share)).rejects.toMatchObject({ code: 'unavailable' });
    const silent = sharerWith({ isConnected: true, publish: () => new Promise<void>(() => undefined) });
    silent.publishWaitMs = 20;
    await expect(silent.execute(share)).rejects.toMatchObject({ code: 'unavailable' });
  });
});
