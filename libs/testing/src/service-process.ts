import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { kafkaServiceEnv } from './kafka-credentials';

export type ServiceName = 'challenge' | 'delivery' | 'device-registry' | 'reporting';

export interface RunningService {
  name: ServiceName;
  /** The process id, e.g. to read its peak memory from /proc/<pid>/status. */
  pid: number;
  baseUrl: string;
  /** Everything the process printed, for assertions and for failure messages. */
  output(): string;
  /** SIGTERM, then waits for exit; returns the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: a crash, for tests of what survives one. */
  kill(): Promise<void>;
  /** How the process ended (exit code or signal), or undefined while it runs. */
  exited(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
}

export interface ServiceProcessOptions {
  readyTimeoutMs?: number;
  /** Extra arguments to node before the entry point, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  /** Keeps only the last this many characters of output (a long benchmark prints a lot). */
  outputKeptChars?: number;
  /** `ready` (default): resolve once `/health/ready` answers 200; `live`: once the process answers HTTP at all. */
  waitFor?: 'ready' | 'live';
}

/** The checkout: found from libs/testing/src and from its compiled copy under dist/ alike. */
function repositoryRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'services'))) return dir;
  }
  throw new Error(`Cannot find the checkout above ${__dirname}`);
}

/**
 * The flags every service runs with, as deploy/service-node-flags gives them to the start scripts and the image: the
 * benchmark and the e2e tests measure the process operators run.
 */
export function serviceNodeFlags(root = repositoryRoot()): string[] {
  return readFileSync(join(root, 'deploy', 'service-node-flags'), 'utf8')
    .trim()
    .split(/\s+/);
}

/**
 * Starts a built service (dist/) as its own process, as an operator would, and waits for `/health/ready`.
 * e2e tests use it to drive the product from outside. The service authenticates to Kafka as its own user
 * (KAFKA_SASL_* from the broker's credentials) unless `env` names a user itself.
 */
export async function startServiceProcess(name: ServiceName, env: Record<string, string>, options: ServiceProcessOptions = {}): Promise<RunningService> {
  const { readyTimeoutMs = 60_000, nodeArgs = [], outputKeptChars = Number.POSITIVE_INFINITY, waitFor = 'ready' } = options;
  const entry = join(repositoryRoot(), 'dist', 'services', name, 'src', 'main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run "npm run build" first (npm test does)`);
  const port = env.PORT;
  if (!port) throw new Error('startServiceProcess needs env.PORT');
  let output = '';
  const ownKafkaUser = env.KAFKA_SASL_USERNAME === undefined ? kafkaServiceEnv(name) : {};
  const child: ChildProcess = spawn(process.execPath, [...serviceNodeFlags(), ...nodeArgs, entry], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...ownKafkaUser, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > outputKeptChars) output = output.slice(-outputKeptChars);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} before it was ready:\n${output.slice(-4000)}`);
    if (await answers(baseUrl, waitFor === 'ready' ? '/health/ready' : '/health/live')) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} was not ready within ${readyTimeoutMs} ms:\n${output.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    name,
    pid: child.pid ?? 0,
    baseUrl,
    output: () => output,
    exited: () => (child.exitCode === null && child.signalCode === null ? undefined : { code: child.exitCode, signal: child.signalCode }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

async function answers(baseUrl: string, path: string): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}${path}`, { signal: AbortSignal.timeout(2000) });
    return response.status === 200;
  } catch {
    return false;
  }
}

/** Ports handed out by this process, never handed out again (a service restarted on its port keeps it). */
const handedOut = new Set<number>();

/**
 * A free TCP port, taken from below the kernel's ephemeral range: a port the kernel hands to outgoing connections
 * (a client's socket to Kafka or PostgreSQL) can be taken by one between this probe and the listen, or while a
 * service a fault test killed is down, and the restart then fails with EADDRINUSE. Below that range only a listener
 * takes a port; the probe binds on every address, as the services do.
 */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const { readFileSync } = await import('node:fs');
  const ephemeralLow = (() => {
    try {
      return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32768;
    } catch {
      return 32768;
    }
  })();
  const low = 20_000;
  const high = Math.min(ephemeralLow, 65_536) - 1;
  const probe = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(port, () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
  if (high > low) {
    for (let attempt = 0; attempt < 200; attempt++) {
      const port = low + Math.floor(Math.random() * (high - low));
      if (handedOut.has(port)) continue;
      const free = await probe(port).then(
        () => true,
        () => false,
      );
      if (!free) continue;
      handedOut.add(port);
      return port;
    }
  }
  const port = await probe(0);
  handedOut.add(port);
  return port;
}

/** Polls `probe` until it returns a value (not undefined) or the deadline passes. */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Starts several services in parallel. If any fails to become ready, the others are killed before the error is
 * rethrown, so no orphan process outlives the test (its open pipes would keep jest from exiting).
 */
export async function startServiceProcesses(specs: { name: ServiceName; env: Record<string, string> }[]): Promise<RunningService[]> {
  const results = await Promise.allSettled(specs.map((spec) => startServiceProcess(spec.name, spec.env)));
  const started = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) {
    await Promise.all(started.map((service) => service.kill()));
    throw failure.reason;
  }
  return started;
}
