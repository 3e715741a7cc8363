import { randomUUID } from 'node:crypto';
import { AssignerProtocol } from 'kafkajs';
import { freePort, type RunningService, startServiceProcess, testKafka } from '@pushmfa/testing';
import { CHALLENGE_DISPATCH_GROUP } from './consuming/challenge-dispatch.consumer';
import { DeliveryTestHarness, type DeliveryWorker } from './delivery.test-app';
import { metricValue } from './prometheus-text.test-metrics';

jest.setTimeout(150_000);

// Short leases so a dead worker's pushes are taken over within seconds (production: 15 s).
const LEASE_ENV = { DELIVERY_LEASE_MS: '3000', DELIVERY_SWEEP_INTERVAL_MS: '500' };

let harness: DeliveryTestHarness;
const workers: DeliveryWorker[] = [];
let killed: RunningService | undefined;

const inAMinute = () => new Date(Date.now() + 60_000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Push {
  challengeId: string;
  deviceId: string;
  token: string;
}

/** One FCM device per challenge, so every send is counted per token. */
async function issuePushes(count: number, label: string, slowMs?: number): Promise<Push[]> {
  const pushes: Push[] = [];
  for (let i = 0; i < count; i++) {
    const push = { challengeId: `ch-${label}-${randomUUID()}`, deviceId: `dev-${randomUUID()}`, token: `${label}-${randomUUID()}` };
    if (slowMs !== undefined) harness.fcm.script(push.token, { delayMs: slowMs });
    await harness.pairDevice('fcm', push.deviceId, push.token);
    pushes.push(push);
  }
  for (const push of pushes) await harness.issueChallenge(push.challengeId, [{ deviceId: push.deviceId, provider: 'fcm' }], inAMinute());
  return pushes;
}

async function waitUntil(description: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${description}`);
    await sleep(50);
  }
}

/**
 * Waits until the dispatch group is stable with `members` members, each holding partitions: a fixed sleep is not
 * enough on a busy machine, where a member that joined late would hold none and the test would prove nothing.
 */
async function untilGroupSplit(members: number, timeoutMs = 60_000): Promise<void> {
  const admin = testKafka(`delivery-scaling-${randomUUID()}`, harness.ns.kafkaBrokers).admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [group] = (await admin.describeGroups([`${harness.ns.topicPrefix}${CHALLENGE_DISPATCH_GROUP}`])).groups;
      const held = (group?.members ?? []).map((member) => {
        const assignment = AssignerProtocol.MemberAssignment.decode(member.memberAssignment)?.assignment ?? {};
        return Object.values(assignment).reduce((n, partitions) => n + partitions.length, 0);
      });
      if (group?.state === 'Stable' && held.length === members && held.every((n) => n > 0)) return;
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${members} dispatch-group members holding partitions (${group?.state}: ${held.join(', ')})`);
      await sleep(200);
    }
  } finally {
    await admin.disconnect();
  }
}

const dispatchedOf = (push: Push) =>
  harness.probe.received.filter((r) => r.envelope.type === 'PushDispatched' && r.envelope.data.challengeId === push.challengeId);

beforeAll(async () => {
  harness = await DeliveryTestHarness.start('delivery-scaling');
});

afterAll(async () => {
  await killed?.kill();
  for (const worker of workers) await worker.close();
  await harness?.stop();
});

describe('delivery workers scale out in one consumer group and survive a crash', () => {
  it('two workers split the partitions and together push every challenge exactly once', async () => {
    workers.push(await harness.startWorker(LEASE_ENV), await harness.startWorker(LEASE_ENV));
    // Both members must have their share before the load arrives, or one would take it all.
    await untilGroupSplit(2);
    const pushes = await issuePushes(24, 'split');

    for (const push of pushes) await harness.waitForEvent('PushDispatched', push.challengeId, push.deviceId);
    await sleep(1_500);

    for (const push of pushes) {
      expect(harness.fcmPushesTo(push.token)).toHaveLength(1);
      expect(dispatchedOf(push)).toHaveLength(1);
    }
    const perWorker = await Promise.all(
      workers.map(async (worker) => metricValue(await worker.metrics(), 'delivery_push_attempts_total', { provider: 'fcm', outcome: 'accepted' }) ?? 0),
    );
    expect(perWorker[0]! + perWorker[1]!).toBe(24);
    // Random keys over 12 partitions split between two members: both get some (all on one side: p ≈ 2 × 2^-24).
    expect(perWorker[0]).toBeGreaterThan(0);
    expect(perWorker[1]).toBeGreaterThan(0);
  });

  it('a worker killed (SIGKILL) mid-push: the survivor still dispatches every push, re-sending only those in flight', async () => {
    for (const worker of workers.splice(1)) await worker.close();
    const port = await freePort();
    killed = await startServiceProcess('delivery', { ...harness.ns.env, ...harness.providerEnv, ...LEASE_ENV, PUSHMFA_MODE: 'production', PORT: String(port) });
    // The worker to be killed must hold partitions when the pushes arrive.
    await untilGroupSplit(2);
    // Slow enough that every push is still waiting for FCM when the kill comes.
    const pushes = await issuePushes(12, 'kill', 3_000);
    await waitUntil('FCM has received every push', () => pushes.every((push) => harness.fcmPushesTo(push.token).length >= 1));
    const reportedBeforeKill = new Set(harness.probe.received.map((r) => r.envelope.data.challengeId));

    await killed.kill();
    killed = undefined;

    for (const push of pushes) await harness.waitForEvent('PushDispatched', push.challengeId, push.deviceId, 40_000);
    await sleep(1_500);

    const sends = pushes.map((push) => harness.fcmPushesTo(push.token).length);
    // At least once: every push reached FCM and was reported.
    for (const count of sends) expect(count).toBeGreaterThanOrEqual(1);
    // The bound: a push is sent again only if it was in flight on the dead worker (one extra send each).
    for (const count of sends) expect(count).toBeLessThanOrEqual(2);
    const resent = pushes.filter((_, i) => sends[i] === 2);
    for (const push of resent) expect(reportedBeforeKill.has(push.challengeId)).toBe(false);
    // The dead worker held some of them (its partitions), else this test proved nothing.
    expect(resent.length).toBeGreaterThan(0);
    expect(resent.length).toBeLessThan(pushes.length);
    // A re-sent push keeps its attempt number, so its outcome carries the same deterministic event id.
    for (const push of resent) expect(dispatchedOf(push).map((r) => r.envelope.data.attempt)).toEqual([1]);
  });
});
