import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { EmulatorControlClient } from '@pushmfa/push-emulators';
import { measureKafkaRoundTrip, measurePgAppend } from './baselines';
import type { BenchOptions } from './bench-options';
import { setUpWorkspace } from './bench-setup';
import { runDeliveryScaling, type ScalingResult } from './delivery-scaling-run';
import { DispatchObserver } from './dispatch-observer';
import { runFaultBench } from './fault-bench';
import { judgeGoals } from './goals';
import { KeepAliveHttpClient } from './keep-alive-http.client';
import type { LatencySummary } from './latency-summary';
import { runOpenLoopLoad, type LoadRunResult } from './load-run';
import { LocalStack, type StackUrls } from './local-stack';
import { cpuSeconds, peakRssMb } from './peak-memory';
import { controlApiInbox, inProcessInbox, type PushInbox } from './push-inbox';
import { measureReportQueries, type ReportQueryResults } from './report-queries';
import { writeResults } from './results-file';
import { latencyRows } from './results-table';

const ROOT = join(__dirname, '..', '..', '..');
const SCALING_PROVIDER_LATENCY_MS = 50;
/** Below the per-user limit of 1000 challenges in 10 minutes the bench sets, with room for warm-up. */
const CHALLENGES_PER_USER = 900;

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

export async function runBench(options: BenchOptions): Promise<void> {
  if (options.faults) return runFaultBench(options);
  const startedAt = new Date().toISOString();
  const runLabel = startedAt.replace(/[^0-9]/g, '').slice(0, 14);
  const loadBefore = loadavg();
  const http = new KeepAliveHttpClient();
  let stack: LocalStack | undefined;
  let dispatches: DispatchObserver | undefined;
  const profileDir = options.profile ? join(ROOT, '.local', 'profiles', runLabel) : undefined;
  const logDir = join(ROOT, '.local', 'bench-logs', runLabel);
  try {
    let urls: StackUrls;
    let operatorToken: string;
    let inbox: PushInbox;
    let brokers: string[] | undefined;
    let topicPrefix = '';
    let databaseUrl: string | undefined;
    if (options.target) {
      urls = options.target;
      operatorToken = options.operatorToken as string;
      const control = new EmulatorControlClient(options.emulatorControlUrl);
      await control.setLatencyMs('fcm', options.providerLatencyMs);
      inbox = controlApiInbox(control);
      brokers = process.env.KAFKA_BROKERS?.split(',');
      topicPrefix = process.env.KAFKA_TOPIC_PREFIX ?? '';
      databaseUrl = process.env.DATABASE_URL;
    } else {
      log(`starting the stack in production mode (${options.workers} delivery worker(s))${profileDir ? `, CPU profiles in ${profileDir}` : ''}`);
      stack = await LocalStack.start({ deliveryWorkers: options.workers, providerLatencyMs: options.providerLatencyMs, profileDir, nodeOptions: options.serviceNodeOptions });
      urls = stack.urls;
      operatorToken = stack.operatorToken;
      inbox = inProcessInbox(stack.fcm);
      brokers = stack.namespace.kafkaBrokers;
      topicPrefix = stack.namespace.topicPrefix;
      databaseUrl = stack.namespace.databaseUrl;
    }

    log('measuring the baselines: bare Kafka round trip and PostgreSQL append');
    const baselines: { kafkaRoundTripMs?: LatencySummary; pgAppendMs?: LatencySummary } = {};
    if (brokers) baselines.kafkaRoundTripMs = await measureKafkaRoundTrip(brokers, topicPrefix);
    if (databaseUrl) baselines.pgAppendMs = await measurePgAppend(databaseUrl);
    if (!brokers) throw new Error('the bench needs KAFKA_BROKERS (and KAFKA_TOPIC_PREFIX if the stack uses one) to watch PushDispatched');
    dispatches = await DispatchObserver.start(brokers, topicPrefix);

    const planned = (options.skipMain ? 0 : Math.round(options.durationSeconds * options.rate)) + (options.scaling ? 3 * options.scalingBacklog : 0);
    const users = Math.max(options.users, Math.ceil(planned / CHALLENGES_PER_USER));
    log(`pairing ${users} simulated phones`);
    const workspace = await setUpWorkspace(http, urls, operatorToken, users, runLabel);
    // Let the warm-up challenges' pushes land so they do not count against the run.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await inbox.take();

    let run: LoadRunResult | undefined;
    const cpuBefore = new Map((stack?.running ?? []).map((service) => [service.label, cpuSeconds(service.pid)]));
    if (!options.skipMain) {
      log(`open-loop load: ${options.rate} challenges/s for ${options.durationSeconds} s`);
      run = await runOpenLoopLoad(http, urls, workspace, inbox, dispatches, { durationSeconds: options.durationSeconds, rate: options.rate, reportSampleEvery: options.reportSampleEvery });
    }
    const peakRss: Record<string, number | null> = {};
    const cpuDuringRun: Record<string, number | null> = {};
    for (const service of stack?.running ?? []) {
      peakRss[service.label] = peakRssMb(service.pid);
      const before = cpuBefore.get(service.label);
      const after = cpuSeconds(service.pid);
      cpuDuringRun[service.label] = before === null || before === undefined || after === null ? null : Math.round((after - before) * 100) / 100;
    }

    let scaling: ScalingResult | undefined;
    if (options.scaling && stack) {
      scaling = await runDeliveryScaling(http, stack, workspace, dispatches, {
        backlog: options.scalingBacklog,
        concurrencyPerWorker: options.scalingConcurrency,
        providerLatencyMs: SCALING_PROVIDER_LATENCY_MS,
        log,
        logDir,
      });
    }

    let reportQueries: ReportQueryResults | undefined;
    if (options.reportRows > 0) {
      const serverUrl = process.env.DATABASE_URL ?? databaseUrl;
      if (!serverUrl) throw new Error('--report-rows needs DATABASE_URL: a PostgreSQL server where the bench may create a database');
      log(`report queries on ${options.reportRows} rows (seeding takes a while)`);
      reportQueries = await measureReportQueries({ rows: options.reportRows, databaseUrl: serverUrl, kafkaBrokers: brokers.join(','), log: (line) => log(`report queries: ${line}`) });
    }

    const results = {
      startedAt,
      machine: { cores: availableParallelism(), cpu: cpus()[0]?.model, memoryMb: Math.round(totalmem() / 1048576), loadAverageBefore: loadBefore, loadAverageAfter: loadavg() },
      settings: { ...options, users, operatorToken: undefined, stack: options.target ? 'target' : 'local production-mode processes' },
      notes: {
        latencies: 'milliseconds, nearest-rank percentiles over every sample; create-based latencies count from the intended send time (open loop)',
        createToDispatchedMs: 'intended create → the PushDispatched event read by the bench from the delivery topic',
        createToProviderMs: 'intended create → the FCM emulator received the push',
        approveToAnswerMs: "the phone's approve sent → the platform's long-poll answered approved",
        createToReportMs: `intended create → the report row answered 200 (one in ${options.reportSampleEvery} challenges, polled every 100 ms)`,
        challengesPerSecond: 'approved challenges over the time from the first intended send to the last answer',
        peakRssMb: 'VmHWM of each service process after the main run',
        cpuSecondsDuringRun: 'user + system CPU seconds each service used during the main run (load and drain)',
      },
      baselines,
      run,
      peakRssMb: peakRss,
      cpuSecondsDuringRun: cpuDuringRun,
      scaling,
      reportQueries,
      goals: judgeGoals(run, baselines, scaling, peakRss),
    };
    const path = writeResults(results);

    console.log(`\npushmfa bench ${startedAt}: ${availableParallelism()} cores, load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} before, ${loadavg().map((l) => l.toFixed(2)).join(' ')} after`);
    if (run) {
      console.log(`offered ${run.offeredPerSecond}/s for ${options.durationSeconds} s: ${run.completed}/${run.offered} approved, ${run.challengesPerSecond} challenges/s sustained, scheduler lag max ${run.maxSendLagMs} ms`);
    }
    console.table(latencyRows({ ...(run?.latencies ?? {}), ...baselines }));
    if (run && Object.keys(run.errors).length > 0) console.table(run.errors);
    if (Object.keys(peakRss).length > 0) {
      const perChallenge = (cpu: number | null | undefined) => (cpu === null || cpu === undefined || !run?.completed ? null : Math.round((cpu / run.completed) * 10000) / 10);
      console.table(Object.fromEntries(Object.entries(peakRss).map(([name, mb]) => [name, { peakRssMb: mb, cpuSeconds: cpuDuringRun[name], cpuMsPerChallenge: perChallenge(cpuDuringRun[name]) }])));
    }
    if (scaling) console.table(scaling.steps);
    if (reportQueries) console.table(Object.fromEntries(reportQueries.queries.map((q) => [q.name, { p50: q.p50, p95: q.p95, p99: q.p99, max: q.max }])));
    console.table(results.goals);
    console.log(`results: ${path} (and bench/results/latest.json)`);
  } finally {
    await dispatches?.stop().catch(() => undefined);
    if (stack) {
      log(`stopping the stack; service output in ${logDir}`);
      await stack.stop(logDir);
    }
    http.close();
  }
}
