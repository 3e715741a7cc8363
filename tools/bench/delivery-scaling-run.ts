import type { BenchWorkspace } from './bench-setup';
import type { DispatchObserver } from './dispatch-observer';
import type { KeepAliveHttpClient } from './keep-alive-http.client';
import type { LocalStack } from './local-stack';

export interface ScalingStep {
  workers: number;
  pushes: number;
  /** Pushes per second between the 10th and the 90th percentile dispatch: start-up and the tail left out. */
  pushesPerSecond: number;
  /** This step's throughput over the previous step's (one doubling of workers). */
  ratioToPrevious: number | null;
}

export interface ScalingResult {
  providerLatencyMs: number;
  concurrencyPerWorker: number;
  steps: ScalingStep[];
}

const ISSUE_CONCURRENCY = 32;
const DISPATCH_TIMEOUT_MS = 180_000;

/**
 * Delivery throughput with 1, 2 and 4 workers in one consumer group while the provider is the bottleneck: each
 * step queues a backlog of challenges with no worker running, starts the workers, and times how fast the backlog
 * turns into PushDispatched events.
 */
export async function runDeliveryScaling(
  http: KeepAliveHttpClient,
  stack: LocalStack,
  workspace: BenchWorkspace,
  dispatches: DispatchObserver,
  settings: { backlog: number; concurrencyPerWorker: number; providerLatencyMs: number; log: (line: string) => void; logDir?: string },
): Promise<ScalingResult> {
  stack.fcm.setLatencyMs(settings.providerLatencyMs);
  const steps: ScalingStep[] = [];
  for (const workers of [1, 2, 4]) {
    await stack.stopDeliveryWorkers(settings.logDir);
    const ids = await issueBacklog(http, stack, workspace, settings.backlog);
    const times: number[] = [];
    const waiting = new Set(ids);
    let allDispatched: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (allDispatched = resolve));
    const unsubscribe = dispatches.onDispatched((challengeId, atMs) => {
      if (!waiting.delete(challengeId)) return;
      times.push(atMs);
      if (waiting.size === 0) allDispatched();
    });
    settings.log(`scaling: ${ids.length} pushes queued, starting ${workers} delivery worker(s)`);
    await stack.startDeliveryWorkers(workers, { DELIVERY_CONCURRENCY: String(settings.concurrencyPerWorker) });
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, DISPATCH_TIMEOUT_MS).unref());
    await Promise.race([done, timeout]);
    unsubscribe();
    stack.fcm.clear();
    times.sort((a, b) => a - b);
    const low = times[Math.floor(times.length * 0.1)] ?? 0;
    const high = times[Math.floor(times.length * 0.9)] ?? 0;
    const pushesPerSecond = high > low ? Math.round(((times.length * 0.8) / ((high - low) / 1000)) * 10) / 10 : 0;
    const previous = steps[steps.length - 1];
    steps.push({
      workers,
      pushes: times.length,
      pushesPerSecond,
      ratioToPrevious: previous && previous.pushesPerSecond > 0 ? Math.round((pushesPerSecond / previous.pushesPerSecond) * 100) / 100 : null,
    });
    settings.log(`scaling: ${workers} worker(s): ${pushesPerSecond} pushes/s${waiting.size ? `, ${waiting.size} never dispatched` : ''}`);
  }
  await stack.stopDeliveryWorkers(settings.logDir);
  return { providerLatencyMs: settings.providerLatencyMs, concurrencyPerWorker: settings.concurrencyPerWorker, steps };
}

async function issueBacklog(http: KeepAliveHttpClient, stack: LocalStack, workspace: BenchWorkspace, count: number): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const user = workspace.users[index % workspace.users.length]!;
      const answer = await http.call(stack.urls.challenge, 'POST', '/v1/challenges', {
        bearer: workspace.platformKey,
        body: { userId: user.userId, context: { application: 'bench scaling' } },
      });
      if (answer.status === 201) ids.push(answer.body.challengeId as string);
    }
  };
  await Promise.all(Array.from({ length: ISSUE_CONCURRENCY }, worker));
  return stillPending(http, stack, workspace, ids);
}

/**
 * The backlog's challenges still pending: past the workspace's maxPendingPerUser a user's older ones were cancelled
 * as superseded, and delivery never pushes them.
 */
async function stillPending(http: KeepAliveHttpClient, stack: LocalStack, workspace: BenchWorkspace, ids: readonly string[]): Promise<string[]> {
  const pending: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++]!;
      const answer = await http.call(stack.urls.challenge, 'GET', `/v1/challenges/${id}`, { bearer: workspace.platformKey });
      if (answer.status === 200 && answer.body.status === 'pending') pending.push(id);
    }
  };
  await Promise.all(Array.from({ length: ISSUE_CONCURRENCY }, worker));
  return pending;
}
