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
  --target registry=URL,challenge=URL,reporting=URL
                          use a running stack instead of starting one (needs --operator-token or
                          PUSHMFA_OPERATOR_TOKEN, and --emulator-control URL of its push emulators)
`;

/** Parses `--name value` pairs; throws with the usage text on anything unknown. */
export function parseBenchOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const options: BenchOptions = {
    durationSeconds: 20,
    rate: 100,
    workers: 1,
    users: 50,
    providerLatencyMs: 0,
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
      case '--duration': options.durationSeconds = number(1); break;
      case '--rate': options.rate = number(1); break;
      case '--workers': options.workers = Math.floor(number(1)); break;
      case '--users': options.users = Math.floor(number(1)); break;
      case '--provider-latency': options.providerLatencyMs = number(0); break;
      case '--scaling': options.scaling = true; break;
      case '--scaling-only': options.scaling = true; options.skipMain = true; break;
      case '--scaling-backlog': options.scalingBacklog = Math.floor(number(10)); break;
      case '--scaling-concurrency': options.scalingConcurrency = Math.floor(number(1)); break;
      case '--report-sample': options.reportSampleEvery = Math.floor(number(1)); break;
      case '--report-rows': options.reportRows = Math.floor(number(0)); break;
      case '--all': options.scaling = true; options.reportRows = 1_000_000; break;
      case '--profile': options.profile = true; break;
      case '--service-node-options': options.serviceNodeOptions = value(); break;
      case '--faults': options.faults = true; break;
      case '--fault-seconds': options.faultSeconds = number(1); break;
      case '--target': options.target = parseTarget(value()); break;
      case '--operator-token': options.operatorToken = value(); break;
      case '--emulator-control': options.emulatorControlUrl = value(); break;
      case '--help': case '-h': throw new Error(USAGE);
      default: throw new Error(`unknown option "${arg}"\n\n${USAGE}`);
    }
  }
  // About ten followed challenges a second: each is polled until its row appears, and the polls load the service.
  if (options.reportSampleEvery === 0) options.reportSampleEvery = Math.max(1, Math.round(options.rate / 10));
  if (options.target && !options.operatorToken) throw new Error('--target needs --operator-token (or PUSHMFA_OPERATOR_TOKEN)');
  if (options.target && !options.emulatorControlUrl) throw new Error('--target needs --emulator-control, the control API of the emulators its delivery pushes to');
  if (options.faults && (options.target || options.scaling)) throw new Error('--faults starts a stack of its own; it cannot run with --target or --scaling');
  if (options.target && options.scaling) throw new Error('--scaling starts its own delivery workers; it cannot run against --target');
  return options;
}

function parseTarget(value: string): TargetUrls {
  const entries = new Map(value.split(',').map((part) => {
    const at = part.indexOf('=');
    return [part.slice(0, at).trim(), part.slice(at + 1).trim().replace(/\/+$/, '')] as const;
  }));
  const url = (name: string): string => {
    const found = entries.get(name);
    if (!found || !/^https?:\/\//.test(found)) throw new Error(`--target needs ${name}=http://host:port`);
    return found;
  };
  return { registry: url('registry'), challenge: url('challenge'), reporting: url('reporting') };
}
