import {
  type GroupCommitSummary,
  type RouteLatency,
  routeHistogramsBetween,
  scrapeServerMetrics,
  summarizeGroupCommit,
  summarizeRoutes,
} from './server-routes';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { EmulatorControlClient } from '@pushmfa/push-emulators';
import { measureKafkaRoundTrip, measurePgAppend } from './baselines';
import { type BenchOptions, isRateRun, searchesCapacity, warmUpRateOf } from './bench-options';
import { setUpWorkspace } from './bench-setup';
import { CapacitySearch, DEFAULT_CAPACITY_SEARCH, objectiveMisses, stepSecondsAt } from './capacity-search';
import { cpuBetween, cpuMsPerChallenge, percentOfOneCore, snapshotCpu, stackClassifier, type ProcessClassifier } from './cpu-accounting';
import { measureFloor, type FloorResult } from './floor-baseline';
import { summarizeOverload, type OverloadSummary } from './overload-summary';
import { runDeliveryScaling, type ScalingResult } from './delivery-scaling-run';
import { DispatchObserver } from './dispatch-observer';
import { runFaultBench } from './fault-bench';
import { judgeGoals } from './goals';
import { KeepAliveHttpClient } from './keep-alive-http.client';
import type { LatencySummary } from './latency-summary';
import { runOpenLoopLoad, type LoadRunResult } from './load-run';
import { LocalStack, type StackUrls } from './local-stack';
import { peakRssMb } from './peak-memory';
import { controlApiInbox, inProcessInbox, type PushInbox } from './push-inbox';
import { measureReportQueries, type ReportQueryResults } from './report-queries';
import { writeResults } from './results-file';
import { latencyRows } from './results-table';

const ROOT = join(__dirname, '..', '..', '..');
const SCALING_PROVIDER_LATENCY_MS = 50;
/** Below the per-user limit of 1000 challenges in 10 minutes the bench sets, with room for warm-up. */
const CHALLENGES_PER_USER = 900;
/** Between two load runs on one stack: the stragglers of the last one land, and the next starts on a quiet stack. */
const SETTLE_MS = 3000;

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
      stack = await LocalStack.start({
        deliveryWorkers: options.workers,
        providerLatencyMs: options.providerLatencyMs,
        profileDir,
        nodeOptions: options.serviceNodeOptions,
      });
      urls = stack.urls;
      operatorToken = stack.operatorToken;
      inbox = inProcessInbox(stack.fcm);
      brokers = stack.namespace.kafkaBrokers;
      topicPrefix = stack.namespace.topicPrefix;
      databaseUrl = stack.namespace.databaseUrl;
    }

    let floor: FloorResult | undefined;
    if (stack && options.floorSeconds > 0) {
      log(
        `floor baseline: one process doing HTTP → PostgreSQL commit → Kafka produce and consume → HTTP/2 FCM → answer, ${options.floorConcurrency} in flight for ${options.floorSeconds} s`,
      );
      floor = await measureFloor(http, {
        databaseUrl: stack.namespace.databaseUrl,
        brokers: stack.namespace.kafkaBrokers,
        topicPrefix: stack.namespace.topicPrefix,
        fcmUrl: stack.fcm.url,
        fcmCaFile: stack.fcm.caPemPath,
        fcmServiceAccountFile: stack.fcmServiceAccountFile,
        concurrency: options.floorConcurrency,
        seconds: options.floorSeconds,
      });
      stack.fcm.clear();
      log(`floor baseline: ${floor.challengesPerSecond} challenges/s, p50 ${floor.latencyMs.p50} ms, p99 ${floor.latencyMs.p99} ms, ${floor.errors} errors`);
    }

    log('measuring the baselines: bare Kafka round trip and PostgreSQL append');
    const baselines: { kafkaRoundTripMs?: LatencySummary; pgAppendMs?: LatencySummary } = {};
    if (brokers) baselines.kafkaRoundTripMs = await measureKafkaRoundTrip(brokers, topicPrefix);
    if (databaseUrl) baselines.pgAppendMs = await measurePgAppend(databaseUrl);
    if (!brokers) throw new Error('the bench needs KAFKA_BROKERS (and KAFKA_TOPIC_PREFIX if the stack uses one) to watch PushDispatched');
    dispatches = await DispatchObserver.start(brokers, topicPrefix);

    const mainRun = isRateRun(options);
    const searching = searchesCapacity(options);
    // The per-user limit counts 10 minutes: a capacity search and an overload offer many challenges in that time.
    const searchBudget = searching ? (options.stepSeconds * Math.min(options.maxRate, 1000) + options.stepSamples) * 5 : 0;
    const overloadBudget =
      options.overloadFactor === undefined
        ? 0
        : options.overloadSeconds * (options.overloadFactor + 0.5) * (options.capacity ?? Math.min(options.maxRate, 1000));
    const warmUpRate = warmUpRateOf(options);
    const warmUpBudget = Math.ceil(warmUpRate * options.warmUpSeconds);
    const planned =
      (mainRun ? Math.round(options.durationSeconds * options.rate) : 0) +
      warmUpBudget +
      searchBudget +
      overloadBudget +
      (options.scaling ? 3 * options.scalingBacklog : 0);
    const users = Math.max(options.users, Math.ceil(planned / CHALLENGES_PER_USER));
    log(`pairing ${users} simulated phones`);
    const workspace = await setUpWorkspace(http, urls, operatorToken, users, runLabel);
    // Let the warm-up challenges' pushes land so they do not count against the run.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await inbox.take();

    // Every process a challenge costs on this box, the services by pid and the shared stores by name and database.
    const classify: ProcessClassifier | undefined = stack
      ? stackClassifier(new Map(stack.running.map((service) => [service.pid, service.label])), [databaseNameOf(stack.namespace.databaseUrl)])
      : undefined;
    const withCpu = async <T>(work: () => Promise<T>): Promise<{ result: T; cpu: Record<string, number> }> => {
      const before = classify ? snapshotCpu(classify) : undefined;
      const result = await work();
      return { result, cpu: before && classify ? cpuBetween(before, snapshotCpu(classify)) : {} };
    };
    let usersUsed = 0;
    const load = async (settings: { rate: number; durationSeconds: number; phases?: { rate: number; durationSeconds: number }[]; keepTimeline?: boolean }) => {
      const peak = Math.max(settings.rate, ...(settings.phases ?? []).map((p) => p.rate));
      const run = await runOpenLoopLoad(http, urls, workspace, inbox, dispatches as DispatchObserver, {
        ...settings,
        reportSampleEvery: options.findCapacity || options.overloadFactor !== undefined ? Math.max(1, Math.round(peak / 10)) : options.reportSampleEvery,
        firstUserIndex: usersUsed,
        receipts: options.receipts,
        resends: options.resends,
      });
      usersUsed += run.offered;
      return run;
    };

    let idle: { cpuPercentOfOneCore: number; stackCpuPercentOfOneCore: number; cpuSeconds: Record<string, number> } | undefined;
    if (options.idleSeconds > 0 && classify) {
      log(`idle: the stack up and no load for ${options.idleSeconds} s`);
      const { cpu } = await withCpu(() => new Promise((resolve) => setTimeout(resolve, options.idleSeconds * 1000)));
      // The stack's own share leaves out the bench process (its dispatch observer is a consumer the stack does not have).
      const stack = Object.fromEntries(Object.entries(cpu).filter(([group]) => group !== 'bench'));
      idle = {
        cpuPercentOfOneCore: percentOfOneCore(cpu, options.idleSeconds),
        stackCpuPercentOfOneCore: percentOfOneCore(stack, options.idleSeconds),
        cpuSeconds: cpu,
      };
      log(`idle: ${idle.cpuPercentOfOneCore} % of one core across ${Object.keys(cpu).join(', ')}`);
    }

    let run: LoadRunResult | undefined;
    let runCpu: Record<string, number> = {};
    let serverRoutes: Record<string, Record<string, RouteLatency>> | undefined;
    let groupCommit: Record<string, GroupCommitSummary> | undefined;
    let warmUp: { rate: number; seconds: number; approved: number; offered: number } | undefined;
    if (warmUpBudget > 0) {
      log(`warm-up: ${warmUpRate} challenges/s for ${options.warmUpSeconds} s, not measured`);
      const warm = await load({ rate: warmUpRate, durationSeconds: options.warmUpSeconds });
      warmUp = { rate: warmUpRate, seconds: options.warmUpSeconds, approved: warm.completed, offered: warm.offered };
      await settle(inbox);
    }

    if (mainRun) {
      log(`open-loop load: ${options.rate} challenges/s for ${options.durationSeconds} s`);
      const scrapedBefore = await scrapeServerMetrics(urls);
      ({ result: run, cpu: runCpu } = await withCpu(() => load({ rate: options.rate, durationSeconds: options.durationSeconds })));
      const scrapedAfter = await scrapeServerMetrics(urls);
      serverRoutes = Object.fromEntries(
        Object.entries(scrapedAfter).map(([service, after]) => [
          service,
          summarizeRoutes(routeHistogramsBetween(scrapedBefore[service]?.routes ?? new Map(), after.routes)),
        ]),
      );
      if (scrapedAfter.challenge) groupCommit = summarizeGroupCommit(scrapedBefore.challenge?.groupCommit ?? new Map(), scrapedAfter.challenge.groupCommit);
    }

    let capacity: number | undefined;
    const capacitySteps: {
      rate: number;
      passed: boolean;
      sustained: number;
      dispatchedP99: number | null;
      answerP99: number | null;
      reportP99: number | null;
      misses: string;
    }[] = [];
    if (searching) {
      const search = new CapacitySearch({ ...DEFAULT_CAPACITY_SEARCH, startRate: options.startRate, maxRate: options.maxRate });
      for (let rate = search.next(); rate !== null; rate = search.next()) {
        const stepSeconds = stepSecondsAt(rate, options.stepSeconds, options.stepSamples);
        log(`capacity step ${search.history.length + 1}: ${rate} challenges/s for ${stepSeconds} s`);
        const step = await withCpu(() => load({ rate, durationSeconds: stepSeconds }));
        const misses = objectiveMisses(step.result);
        search.record(rate, misses.length === 0);
        const l = step.result.latencies;
        capacitySteps.push({
          rate,
          passed: misses.length === 0,
          sustained: step.result.challengesPerSecond,
          dispatchedP99: l.createToDispatchedMs.p99,
          answerP99: l.approveToAnswerMs.p99,
          reportP99: l.createToReportMs.p99,
          misses: misses.join('; '),
        });
        log(`capacity step at ${rate}/s: ${misses.length === 0 ? 'met the objective' : `missed it (${misses.join('; ')})`}`);
        // The run at the capacity is the one the latencies and CPU figures are reported for.
        if (misses.length === 0 && rate === search.capacity) ({ result: run, cpu: runCpu } = step);
        await settle(inbox);
      }
      capacity = search.capacity;
      log(`capacity: ${capacity} challenges/s`);
    }

    let overload: OverloadSummary | undefined;
    let overloadRun: LoadRunResult | undefined;
    const overloadBase = options.capacity ?? capacity ?? 0;
    if (options.overloadFactor !== undefined && overloadBase <= 0)
      log('overload left out: no capacity step met the objective, so there is no capacity to overload (give --capacity N)');
    if (options.overloadFactor !== undefined && overloadBase > 0) {
      const base = overloadBase;
      const phases = [
        { rate: Math.round(base * options.overloadFactor), durationSeconds: options.overloadSeconds },
        { rate: Math.max(1, Math.round(base / 2)), durationSeconds: options.overloadSeconds },
      ];
      if (searching) await settle(inbox);
      log(
        `overload: ${phases[0]!.rate} challenges/s (${options.overloadFactor} × ${base}) for ${options.overloadSeconds} s, then ${phases[1]!.rate}/s for ${options.overloadSeconds} s`,
      );
      overloadRun = await load({ rate: phases[0]!.rate, durationSeconds: options.overloadSeconds * 2, phases, keepTimeline: true });
      overload = summarizeOverload({
        factor: options.overloadFactor,
        capacity: base,
        overloadSeconds: options.overloadSeconds,
        timeline: overloadRun.timeline ?? [],
        errors: overloadRun.errors,
      });
      delete overloadRun.timeline;
    }

    const peakRss: Record<string, number | null> = {};
    const cpuDuringRun: Record<string, number | null> = {};
    for (const service of stack?.running ?? []) {
      peakRss[service.label] = peakRssMb(service.pid);
      cpuDuringRun[service.label] = run ? (runCpu[service.label] ?? null) : null;
    }
    // The shared stores and the bench itself, apart, beside the services.
    if (run) for (const [group, seconds] of Object.entries(runCpu)) if (!(group in cpuDuringRun)) cpuDuringRun[group] = seconds;
    const perChallenge = run ? cpuMsPerChallenge(runCpu, run.completed) : { services: null, wholeBox: null };

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
      reportQueries = await measureReportQueries({
        rows: options.reportRows,
        databaseUrl: serverUrl,
        kafkaBrokers: brokers.join(','),
        log: (line) => log(`report queries: ${line}`),
      });
    }

    const results = {
      startedAt,
      machine: {
        cores: availableParallelism(),
        cpu: cpus()[0]?.model,
        memoryMb: Math.round(totalmem() / 1048576),
        loadAverageBefore: loadBefore,
        loadAverageAfter: loadavg(),
      },
      settings: { ...options, users, operatorToken: undefined, stack: options.target ? 'target' : 'local production-mode processes' },
      notes: {
        latencies: 'milliseconds, nearest-rank percentiles over every sample; create-based latencies count from the intended send time (open loop)',
        createToDispatchedMs: 'intended create → the PushDispatched event read by the bench from the delivery topic',
        createToProviderMs: 'intended create → the FCM emulator received the push',
        approveToAnswerMs: "the phone's approve sent → the platform's long-poll answered approved",
        createToReportMs: `intended create → the report row answered 200 (one in ${options.reportSampleEvery} challenges, polled every 100 ms)`,
        challengesPerSecond: 'approved challenges over the time from the first intended send to the last answer',
        peakRssMb: 'VmHWM of each service process after the main run',
        cpuSecondsDuringRun:
          "user + system CPU seconds each process used during the main run, or the capacity step at the capacity (load and drain), from /proc/<pid>/stat: the services, kafka (the broker), postgresql (postmaster, background processes and this run's backends), redis and the bench itself; kafka, redis and the postgresql background processes are shared with any other work on the box",
        capacity: `--find-capacity: the highest offered rate (challenges/s, steps of ${options.stepSeconds} s and at least ${options.stepSamples} challenges on one stack) meeting createToDispatchedMs p99 ≤ 100, approveToAnswerMs p99 ≤ 30, createToReportMs p99 ≤ 1000 with every challenge approved`,
        overload:
          'goodputRatio: challenges approved with their push dispatched within 1 s, a second, during the overload, over the capacity; refusedAnswerMsP99: intended send → 503 answered; connectionResets and clientTimeouts: of any call (create timeout 10 s); recoverySeconds: from the end of the overload until every later second met the capacity objective; recoveryBySecond: each second of the recovery phase (by intended send) with its offered count, createToDispatchedP99Ms, approveToAnswerP99Ms and whether it met the objective',
        floor: 'one process: HTTP → one PostgreSQL commit → one Kafka produce and consume → one HTTP/2 FCM emulator call → answer, closed loop',
        cpuMsPerChallenge: 'CPU ms per approved challenge during `run`: services = the four services, wholeBox = every accounted process',
        idle: 'whole-box CPU with the stack up and no load, % of one core (stackCpuPercentOfOneCore: the same without the bench process)',
        serverRoutes:
          "per service and route, the requests of the main run as the server timed them (fastify's elapsed time, from the http_request_duration_seconds histogram scraped before and after): count, p50 and p99 in ms, estimated within the histogram's buckets (5, 10, 25, 50, 100 ms, …)",
        warmUp:
          'the unmeasured load before --find-capacity, --overload or a --rate run (--warm-up S): its rate, seconds, and the challenges approved of those offered; null when there was none',
        groupCommit:
          "per command written with group commit (issue, response, receipt, cancel, resend), the challenge service's transactions during the main run (batches), the requests they carried and their mean (meanBatch; 1 when requests came one at a time), from the challenge_group_commit_batch_size histogram scraped before and after",
      },
      baselines,
      run,
      peakRssMb: peakRss,
      cpuSecondsDuringRun: cpuDuringRun,
      scaling,
      reportQueries,
      warmUp: warmUp ?? null,
      capacity: { challengesPerSecond: capacity ?? null },
      overload: {
        factor: overload?.factor ?? null,
        goodputRatio: overload?.goodputRatio ?? null,
        refusedAnswerMsP99: overload?.refusedAnswerMsP99 ?? null,
        connectionResets: overload?.connectionResets ?? null,
        clientTimeouts: overload?.clientTimeouts ?? null,
        recoverySeconds: overload?.recoverySeconds ?? null,
        recoveryBySecond: overload?.recoveryBySecond ?? null,
      },
      floor: { challengesPerSecond: floor?.challengesPerSecond ?? null },
      cpuMsPerChallenge: perChallenge,
      serverRoutes: serverRoutes ?? null,
      groupCommit: groupCommit ?? null,
      idle: { cpuPercentOfOneCore: idle?.cpuPercentOfOneCore ?? null, stackCpuPercentOfOneCore: idle?.stackCpuPercentOfOneCore ?? null },
      goals: judgeGoals(run, baselines, scaling, peakRss),
    };
    const path = writeResults(results);

    console.log(
      `\npushmfa bench ${startedAt}: ${availableParallelism()} cores, load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} before, ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} after`,
    );
    if (capacitySteps.length > 0) {
      console.table(capacitySteps);
      console.log(`capacity: ${capacity} challenges/s met the objective (the run below is the step at that rate)`);
    }
    if (run) {
      console.log(
        `offered ${run.offeredPerSecond}/s for ${Math.round(run.offered / run.offeredPerSecond)} s: ${run.completed}/${run.offered} approved, ${run.challengesPerSecond} challenges/s sustained, scheduler lag max ${run.maxSendLagMs} ms`,
      );
    }
    console.table(latencyRows({ ...(run?.latencies ?? {}), ...baselines }));
    if (run && Object.keys(run.errors).length > 0) console.table(run.errors);
    if (serverRoutes) {
      console.table(
        Object.fromEntries(
          Object.entries(serverRoutes).flatMap(([service, routes]) => Object.entries(routes).map(([route, latency]) => [`${service} ${route}`, latency])),
        ),
      );
    }
    if (groupCommit && Object.keys(groupCommit).length > 0) console.table(groupCommit);
    if (Object.keys(cpuDuringRun).length > 0) {
      const msPer = (cpu: number | null | undefined) =>
        cpu === null || cpu === undefined || !run?.completed ? null : Math.round((cpu / run.completed) * 10000) / 10;
      console.table(
        Object.fromEntries(
          Object.entries(cpuDuringRun).map(([name, cpu]) => [name, { peakRssMb: peakRss[name] ?? null, cpuSeconds: cpu, cpuMsPerChallenge: msPer(cpu) }]),
        ),
      );
      console.log(`CPU ms per challenge: services ${perChallenge.services}, whole box ${perChallenge.wholeBox}`);
    }
    if (overloadRun && overload) {
      console.log(
        `overload ${overload.factor} ×: ${overloadRun.completed}/${overloadRun.offered} approved over both phases, scheduler lag max ${overloadRun.maxSendLagMs} ms`,
      );
      console.table(latencyRows(overloadRun.latencies));
      if (Object.keys(overloadRun.errors).length > 0) console.table(overloadRun.errors);
      const { recoveryBySecond: bySecond, ...summary } = overload;
      console.table({ overload: summary });
      // The recovery curve: each second's p99s (dispatch / answer, ms), a mark on those that missed the objective.
      console.log(
        `recovery by second: ${bySecond
          .map((s) => `${s.second}${s.normal ? '' : '✗'} ${s.createToDispatchedP99Ms ?? '-'}/${s.approveToAnswerP99Ms ?? '-'}`)
          .join(', ')}`,
      );
    }
    if (floor) {
      const ours = capacity ?? run?.challengesPerSecond;
      console.log(
        `floor baseline: ${floor.challengesPerSecond} challenges/s${ours !== undefined && floor.challengesPerSecond > 0 ? `; pushmfa ${ours}/s is ${Math.round((ours / floor.challengesPerSecond) * 1000) / 10} % of it` : ''}`,
      );
    }
    if (idle)
      console.log(
        `idle: ${idle.cpuPercentOfOneCore} % of one core, the stack without the bench ${idle.stackCpuPercentOfOneCore} % (${Object.entries(idle.cpuSeconds)
          .map(([k, v]) => `${k} ${v} s`)
          .join(', ')} over ${options.idleSeconds} s)`,
      );
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

async function settle(inbox: PushInbox): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  await inbox.take();
}

function databaseNameOf(databaseUrl: string): string {
  return decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
}
