/** What one `npm run bench` is asked to do; every value is also written into the results file. */
export interface BenchOptions {
  durationSeconds: number;
  /** Challenges offered per second, on the clock (open loop). */
  rate: number;
  /** Delivery worker processes in one consumer group for the main run. */
  workers: number;
  /** Users, each with one paired simulated device. Raised when the per-user rate limit would refuse challenges. */
  users: number;
  /** Added by the push emulator to every send. */
  providerLatencyMs: number;
  /** Each simulated phone acknowledges its push (POST …/receipt) before it approves, as the authenticator app does. */
  receipts: boolean;
  /** The platform resends every challenge once, when its first push arrives; the phone approves after the resend's answer. */
  resends: boolean;
  scaling: boolean;
  /** Pushes queued before the workers start, per scaling step. */
  scalingBacklog: number;
  /** DELIVERY_CONCURRENCY per worker in the scaling run: small, so the provider's latency is what limits a worker. */
  scalingConcurrency: number;
  /** One in this many challenges is followed until its report row appears. */
  reportSampleEvery: number;
  /** Rows for the report-query measurement; 0 leaves it out. */
  reportRows: number;
  /** Services started with `--cpu-prof`, profiles written under .local/profiles/<run>/. */
  profile: boolean;
  /** Extra NODE_OPTIONS for the service processes. */
  serviceNodeOptions: string;
  target?: TargetUrls;
  operatorToken?: string;
  emulatorControlUrl?: string;
  skipMain: boolean;
  /** Run the fault suite's scenarios at `--rate` instead of the load run (a stack with its own stores and broker). */
  faults: boolean;
  /** Seconds each fault lasts in the fault run. */
  faultSeconds: number;
  /** Step the rate up (then bisect) until the latency objective fails; the highest passing rate is the capacity. */
  findCapacity: boolean;
  /** Seconds of load per --find-capacity step, at least. */
  stepSeconds: number;
  /** Challenges per --find-capacity step, at least: a slow step lasts longer, so its p99 is not its third-worst sample. */
  stepSamples: number;
  /** The first rate --find-capacity tries, and the highest it may try. */
  startRate: number;
  maxRate: number;
  /**
   * Seconds of unmeasured load before a capacity search or an overload (at the search's first rate, or at half the
   * given capacity): the services' hot code is compiled and their pools are open before the first measured second.
   */
  warmUpSeconds: number;
  /** --overload F: F × capacity for 30 s, then half the capacity for 30 s. */
  overloadFactor?: number;
  /** The capacity --overload scales from; found first (as --find-capacity) when not given. */
  capacity?: number;
  /** Seconds of the overload and of the recovery after it. */
  overloadSeconds: number;
  /** --idle S: whole-box CPU with the stack up and no load for S seconds; 0 leaves it out. */
  idleSeconds: number;
  /** Seconds the floor baseline is driven; 0 leaves it out. */
  floorSeconds: number;
  /** Requests the floor baseline keeps in flight. */
  floorConcurrency: number;
}

export interface TargetUrls {
  registry: string;
  challenge: string;
  reporting: string;
}

export const USAGE = `npm run bench -- [options]

  --duration S            seconds of offered load (default 20)
  --rate R                challenges per second, sent on the clock (default 100)
  --workers N             delivery worker processes (default 1)
  --users N               users with a paired device (default 50; raised to stay under the per-user rate limit)
  --provider-latency MS   latency the push emulator adds to every send (default 0)
  --receipts              each phone acknowledges its push (POST …/receipt) before it approves, as the app does
  --resends               the platform resends each challenge once (POST …/resend, 202) before the phone approves
  --scaling               also measure delivery throughput with 1, 2 and 4 workers at 50 ms provider latency
  --scaling-only          only the scaling measurement
  --scaling-backlog N     pushes queued per scaling step (default 1200)
  --scaling-concurrency N DELIVERY_CONCURRENCY per worker in the scaling run (default 1: the provider limits)
  --report-sample N       follow one in N challenges until its report row appears (default: about 10 a second)
  --report-rows N         also time the report queries on N rows (default off)
  --all                   --scaling and --report-rows 1000000
  --profile               start the services with --cpu-prof (profiles under .local/profiles/)
  --service-node-options  extra NODE_OPTIONS for the service processes
  --faults                the fault suite's scenarios (each service SIGKILLed, the broker SIGKILLed, PostgreSQL
                          crash-restarted and cut off, Redis restarted empty) under --rate challenges a second,
                          on a PostgreSQL, Redis and Kafka of the run's own; e.g. half the capacity the bench reports
  --fault-seconds S       how long each fault lasts in --faults (default 5)
  --find-capacity         step the offered rate up (doubling from --start-rate, then bisecting) on one running
                          stack until the objective fails: createToDispatchedMs p99 ≤ 100 ms, approveToAnswerMs
                          p99 ≤ 30 ms, createToReportMs p99 ≤ 1000 ms, every challenge approved; prints the highest
                          rate that met it (instead of the --rate/--duration run)
  --step-seconds S        seconds of load per capacity step, at least (default 10)
  --step-samples N        challenges per capacity step, at least: a step at R/s lasts max(S, N / R) seconds, so each
                          p99 is read over N samples or more (default 1000)
  --start-rate R          the first rate --find-capacity tries (default 25)
  --max-rate R            the highest rate --find-capacity tries (default 4000)
  --warm-up S             seconds of unmeasured load before --find-capacity (at --start-rate), --overload (at half
                          --capacity) or a --rate run (at half --rate), so that the first measured second does not
                          fall on cold processes (default 10; 0: none)
  --overload F            F × the capacity for 30 s, then half the capacity for 30 s: goodput during the overload,
                          how fast refusals are answered, errors by kind, seconds until latencies are normal again
  --capacity N            the capacity --overload scales from (default: found first, as --find-capacity does)
  --overload-seconds S    length of the overload and of the recovery (default 30)
  --idle S                whole-box CPU (% of one core) with the stack up and no load for S seconds
  --floor-seconds S       seconds the floor baseline (one process: HTTP, one PostgreSQL commit, one Kafka produce
                          and consume, one HTTP/2 FCM call, answer) is driven; 0 leaves it out (default 5)
  --floor-concurrency N   requests the floor baseline keeps in flight (default 64)
  --target registry=URL,challenge=URL,reporting=URL
                          use a running stack instead of starting one (needs --operator-token or
                          PUSHMFA_OPERATOR_TOKEN, and --emulator-control URL of its push emulators)
`;

/** The run searches for the capacity: `--find-capacity`, or `--overload` without a `--capacity` to scale from. */
export function searchesCapacity(options: Pick<BenchOptions, 'findCapacity' | 'overloadFactor' | 'capacity'>): boolean {
  return options.findCapacity || (options.overloadFactor !== undefined && options.capacity === undefined);
}

/** The run offers `--rate` for `--duration` (not a capacity search, an overload, an idle or a scaling-only run). */
export function isRateRun(options: Pick<BenchOptions, 'skipMain' | 'findCapacity' | 'overloadFactor' | 'idleSeconds'>): boolean {
  return !options.skipMain && !options.findCapacity && options.overloadFactor === undefined && options.idleSeconds === 0;
}

/**
 * The rate of the unmeasured load before a capacity search (its first rate), an overload from a given capacity (half
 * of it, the rate its recovery runs at) or a `--rate` run (half that rate); 0 for an idle or scaling-only run, or with
 * `--warm-up 0`.
 */
export function warmUpRateOf(
  options: Pick<BenchOptions, 'warmUpSeconds' | 'findCapacity' | 'overloadFactor' | 'capacity' | 'startRate' | 'rate' | 'skipMain' | 'idleSeconds'>,
): number {
  if (options.warmUpSeconds <= 0) return 0;
  if (searchesCapacity(options)) return options.startRate;
  if (options.overloadFactor !== undefined && options.capacity !== undefined) return Math.max(1, Math.round(options.capacity / 2));
  if (isRateRun(options)) return Math.max(1, Math.round(options.rate / 2));
  return 0;
}

/** Parses `--name value` pairs; throws with the usage text on anything unknown. */
export function parseBenchOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const options: BenchOptions = {
    durationSeconds: 20,
    rate: 100,
    workers: 1,
    users: 50,
    providerLatencyMs: 0,
    receipts: false,
    resends: false,
    scaling: false,
    scalingBacklog: 1200,
    scalingConcurrency: 1,
    reportSampleEvery: 0,
    reportRows: 0,
    profile: false,
    serviceNodeOptions: '',
    operatorToken: env.PUSHMFA_OPERATOR_TOKEN,
    skipMain: false,
    faults: false,
    faultSeconds: 5,
    findCapacity: false,
    stepSeconds: 10,
    stepSamples: 1000,
    startRate: 25,
    maxRate: 4000,
    warmUpSeconds: 10,
    overloadSeconds: 30,
    idleSeconds: 0,
    floorSeconds: 5,
    floorConcurrency: 64,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value\n\n${USAGE}`);
      return next;
    };
    const number = (min: number): number => {
      const raw = value();
      const parsed = Number(raw);
      if (!Number.isFinite(parsed) || parsed < min) throw new Error(`${arg} must be a number ≥ ${min}, not "${raw}"`);
      return parsed;
    };
    switch (arg) {
      case '--duration':
        options.durationSeconds = number(1);
        break;
      case '--rate':
        options.rate = number(1);
        break;
      case '--workers':
        options.workers = Math.floor(number(1));
        break;
      case '--users':
        options.users = Math.floor(number(1));
        break;
      case '--provider-latency':
        options.providerLatencyMs = number(0);
        break;
      case '--receipts':
        options.receipts = true;
        break;
      case '--resends':
        options.resends = true;
        break;
      case '--scaling':
        options.scaling = true;
        break;
      case '--scaling-only':
        options.scaling = true;
        options.skipMain = true;
        break;
      case '--scaling-backlog':
        options.scalingBacklog = Math.floor(number(10));
        break;
      case '--scaling-concurrency':
        options.scalingConcurrency = Math.floor(number(1));
        break;
      case '--report-sample':
        options.reportSampleEvery = Math.floor(number(1));
        break;
      case '--report-rows':
        options.reportRows = Math.floor(number(0));
        break;
      case '--all':
        options.scaling = true;
        options.reportRows = 1_000_000;
        break;
      case '--profile':
        options.profile = true;
        break;
      case '--service-node-options':
        options.serviceNodeOptions = value();
        break;
      case '--faults':
        options.faults = true;
        break;
      case '--fault-seconds':
        options.faultSeconds = number(1);
        break;
      case '--find-capacity':
        options.findCapacity = true;
        break;
      case '--step-seconds':
        options.stepSeconds = number(1);
        break;
      case '--step-samples':
        options.stepSamples = Math.floor(number(1));
        break;
      case '--start-rate':
        options.startRate = number(1);
        break;
      case '--max-rate':
        options.maxRate = number(1);
        break;
      case '--warm-up':
        options.warmUpSeconds = number(0);
        break;
      case '--overload':
        options.overloadFactor = number(1);
        break;
      case '--capacity':
        options.capacity = number(1);
        break;
      case '--overload-seconds':
        options.overloadSeconds = number(1);
        break;
      case '--idle':
        options.idleSeconds = number(1);
        break;
      case '--floor-seconds':
        options.floorSeconds = number(0);
        break;
      case '--floor-concurrency':
        options.floorConcurrency = Math.floor(number(1));
        break;
      case '--target':
        options.target = parseTarget(value());
        break;
      case '--operator-token':
        options.operatorToken = value();
        break;
      case '--emulator-control':
        options.emulatorControlUrl = value();
        break;
      case '--help':
      case '-h':
        throw new Error(USAGE);
      default:
        throw new Error(`unknown option "${arg}"\n\n${USAGE}`);
    }
  }
  // About ten followed challenges a second: each is polled until its row appears, and the polls load the service.
  if (options.reportSampleEvery === 0) options.reportSampleEvery = Math.max(1, Math.round(options.rate / 10));
  if (options.target && !options.operatorToken) throw new Error('--target needs --operator-token (or PUSHMFA_OPERATOR_TOKEN)');
  if (options.target && !options.emulatorControlUrl)
    throw new Error('--target needs --emulator-control, the control API of the emulators its delivery pushes to');
  if (options.faults && (options.target || options.scaling)) throw new Error('--faults starts a stack of its own; it cannot run with --target or --scaling');
  if (options.faults && (options.findCapacity || options.overloadFactor !== undefined || options.idleSeconds > 0))
    throw new Error('--faults cannot run with --find-capacity, --overload or --idle');
  if (options.capacity !== undefined && options.overloadFactor === undefined)
    throw new Error('--capacity is the capacity --overload scales from; give --overload too');
  if (options.startRate > options.maxRate) throw new Error('--start-rate must not be above --max-rate');
  if (options.target && options.scaling) throw new Error('--scaling starts its own delivery workers; it cannot run against --target');
  return options;
}

function parseTarget(value: string): TargetUrls {
  const entries = new Map(
    value.split(',').map((part) => {
      const at = part.indexOf('=');
      return [
        part.slice(0, at).trim(),
        part
          .slice(at + 1)
          .trim()
          .replace(/\/+$/, ''),
      ] as const;
    }),
  );
  const url = (name: string): string => {
    const found = entries.get(name);
    if (!found || !/^https?:\/\//.test(found)) throw new Error(`--target needs ${name}=http://host:port`);
    return found;
  };
  return { registry: url('registry'), challenge: url('challenge'), reporting: url('reporting') };
}
