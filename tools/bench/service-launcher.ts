import { mkdirSync } from 'node:fs';
import { type ServiceName, startServiceProcess } from '@pushmfa/testing';

export type BenchServiceName = ServiceName;

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

const READY_TIMEOUT_MS = 90_000;
const OUTPUT_KEPT_CHARS = 200_000;
const STOP_TIMEOUT_MS = 20_000;

/** Starts a built service as its own process (libs/testing's launcher), optionally under the V8 CPU profiler. */
export async function launchService(spec: LaunchSpec): Promise<BenchService> {
  const nodeArgs: string[] = [];
  if (spec.profileDir) {
    mkdirSync(spec.profileDir, { recursive: true });
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${spec.profileDir}`);
  }
  const nodeOptions = [process.env.NODE_OPTIONS, spec.nodeOptions].filter(Boolean).join(' ');
  const service = await startServiceProcess(
    spec.name,
    { ...spec.env, NODE_OPTIONS: nodeOptions },
    {
      readyTimeoutMs: READY_TIMEOUT_MS,
      nodeArgs,
      outputKeptChars: OUTPUT_KEPT_CHARS,
    },
  );
  return {
    label: spec.label,
    name: spec.name,
    pid: service.pid,
    baseUrl: service.baseUrl,
    output: service.output,
    stop: async () => {
      // A service that does not finish its graceful shutdown must not hold the benchmark.
      const killer = setTimeout(() => void service.kill(), STOP_TIMEOUT_MS);
      await service.stop();
      clearTimeout(killer);
    },
  };
}
