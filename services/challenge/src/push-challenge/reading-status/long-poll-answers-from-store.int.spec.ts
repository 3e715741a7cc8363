import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { type ChallengeInstance, ChallengeTestWorld, type TestWorkspace } from '../../challenge.test-app';

/**
 * Redis only wakes long-polls; what they answer is read from the event store. Whoever can publish on the wake-up
 * channel (anyone who reaches Redis) must not be able to make a platform's waiting long-poll say `approved`.
 */
describe('long-poll: the answer comes from the store, never from the wake-up', () => {
  let world: ChallengeTestWorld;
  let service: ChallengeInstance;
  let ws: TestWorkspace;
  let redis: Redis;

  beforeAll(async () => {
    world = await ChallengeTestWorld.create('longpollstore');
    service = await world.start();
    ws = await world.workspace(service, { numberMatching: 'off' });
    redis = new Redis(world.namespace.redisUrl);
  });

  afterAll(async () => {
    redis?.disconnect();
    await world?.dispose();
  });

  const channelOf = (challengeId: string) => `pushmfa:${world.namespace.topicPrefix}challenge-status:${challengeId}`;

  /**
   * Publishes `message` on the challenge's channel while a long-poll waits: the service holds one pattern
   * subscription for every challenge's channel, so once it is there the message reaches the waiting long-poll; it is
   * sent a few times over 300 ms so that a long-poll still reading the store before it waits gets it too.
   */
  async function forge(challengeId: string, message: string): Promise<void> {
    await world.eventually(
      async () => ((await redis.call('PUBSUB', 'NUMPAT')) as number) > 0 && (await redis.publish(channelOf(challengeId), message)),
      (receivers) => receivers !== false && receivers > 0,
      'a service subscribed to the wake-up channels',
    );
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 60));
      await redis.publish(channelOf(challengeId), message);
    }
  }

  it('answers pending after a forged "approved" wake-up, and approved only once the device approved', async () => {
    const device = await world.pairDevice(ws, `mo-${randomUUID()}`);
    const { body: issued } = await service.call('POST', '/v1/challenges', { key: ws.platformKey, body: { userId: device.userId } });
    const forged = JSON.stringify({ challengeId: issued.challengeId, status: 'approved', decidedAt: new Date().toISOString(), expiresAt: issued.expiresAt });

    const polling = service.call('GET', `/v1/challenges/${issued.challengeId}?waitSeconds=2`, { key: ws.platformKey });
    await forge(issued.challengeId, forged);
    const answer = await polling;
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('pending');
    expect((await world.storedEvents(issued.challengeId)).map((e) => e.type)).toEqual(['ChallengeIssued']);

    const waiting = service.call('GET', `/v1/challenges/${issued.challengeId}?waitSeconds=20`, { key: ws.platformKey });
    await forge(issued.challengeId, '1');
    expect((await service.device(device, 'POST', `/v1/device/challenges/${issued.challengeId}/response`, { decision: 'approve' })).status).toBe(200);
    expect((await waiting).body.status).toBe('approved');
  });

  /** The answer-latency SLI's count of approvals answered to a waiting long-poll, from the service's /metrics. */
  async function answeredApprovals(): Promise<number> {
    const text = await (await fetch(`${service.baseUrl}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith('challenge_answer_latency_seconds_count{') && l.includes('status="approved"'));
    return line ? Number(line.split(' ').pop()) : 0;
  }

  it('measures the answer latency of every long-poll that was waiting when the decision came, and of none that was not', async () => {
    const device = await world.pairDevice(ws, `lat-${randomUUID()}`);
    const before = await answeredApprovals();
    for (let i = 0; i < 2; i++) {
      const { body: issued } = await service.call('POST', '/v1/challenges', { key: ws.platformKey, body: { userId: device.userId } });
      const waiting = service.call('GET', `/v1/challenges/${issued.challengeId}?waitSeconds=20`, { key: ws.platformKey });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await service.device(device, 'POST', `/v1/device/challenges/${issued.challengeId}/response`, { decision: 'approve' })).status).toBe(200);
      expect((await waiting).body.status).toBe('approved');
      // Asked after the fact: the platform was not waiting, so this read measures nothing.
      expect((await service.call('GET', `/v1/challenges/${issued.challengeId}?waitSeconds=5`, { key: ws.platformKey })).body.status).toBe('approved');
    }
    expect(await answeredApprovals()).toBe(before + 2);
  });
});
