import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export type BenchServiceName = 'challenge' | 'delivery' | 'device-registry' | 'reporting';

export interface BenchService {
  /** e.g. "delivery-2" when several workers run. */
  label: string;
  name: BenchServiceName;
  pid: number;
  baseUrl: string;
  output(): string;
  stop(): Promise<void>;
}

export interface LaunchSpec {
  label: string;
  name: BenchServiceName;
  env: Record<string, string>;
  /** Writes a .cpuprofile here when the process exits. */
  profileDir?: string;
  nodeOptions?: string;
}

const ROOT = join(__dirname, '..', '..', '..');
const READY_TIMEOUT_MS = 90_000;
const OUTPUT_KEPT_CHARS = 200_000;

/**
 * Starts a built service (dist/) in its own process, like libs/testing's startServiceProcess, but keeps the pid
 * (peak memory is read from /proc/<pid>/status) and can run it under the V8 CPU profiler.
 */
export async function launchService(spec: LaunchSpec): Promise<BenchService> {
  const entry = join(ROOT, 'dist', 'services', spec.name, 'src', 'main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run "npm run build" first`);
  const port = spec.env.PORT;
  if (!port) throw new Error('launchService needs env.PORT');
  const args = ['--enable-source-maps'];
  if (spec.profileDir) {
    mkdirSync(spec.profileDir, { recursive: true });
    args.push('--cpu-prof', `--cpu-prof-dir=${spec.profileDir}`);
  }
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > OUTPUT_KEPT_CHARS) output = output.slice(-OUTPUT_KEPT_CHARS / 2);
  };
  const nodeOptions = [process.env.NODE_OPTIONS, spec.nodeOptions].filter(Boolean).join(' ');
  const child: ChildProcess = spawn(process.execPath, [...args, entry], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...spec.env, NODE_OPTIONS: nodeOptions },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await isReady(baseUrl))) {
    if (child.exitCode !== null) throw new Error(`${spec.label} exited with ${child.exitCode} before it was ready:\n${output.slice(-4000)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${spec.label} was not ready within ${READY_TIMEOUT_MS} ms:\n${output.slice(-4000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    label: spec.label,
    name: spec.name,
    pid: child.pid ?? 0,
    baseUrl,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

async function isReady(baseUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(2000) });
    return response.status === 200;
  } catch {
    return false;
  }
}
