import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface BenchReportingService {
  pid: number;
  baseUrl: string;
  output(): string;
  stop(): Promise<void>;
}

/** From dist/tools/bench up to the checkout, wherever it is run from. */
const ROOT = join(__dirname, '..', '..', '..');
const READY_TIMEOUT_MS = 90_000;
const OUTPUT_KEPT_CHARS = 100_000;

/**
 * Starts the built reporting service (dist/) as its own process, as libs/testing's startServiceProcess does, but
 * from the built bench too and keeping the pid, whose RSS the export measurement reads from /proc.
 */
export async function startReportingService(env: Record<string, string>): Promise<BenchReportingService> {
  const entry = join(ROOT, 'dist', 'services', 'reporting', 'src', 'main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run "npm run build" first`);
  let output = '';
  const child: ChildProcess = spawn(process.execPath, ['--enable-source-maps', entry], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_KEPT_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const baseUrl = `http://127.0.0.1:${env.PORT}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await isReady(baseUrl))) {
    if (child.exitCode !== null) throw new Error(`the reporting service exited with ${child.exitCode} before it was ready:\n${output.slice(-4000)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the reporting service was not ready within ${READY_TIMEOUT_MS} ms:\n${output.slice(-4000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { pid: child.pid ?? 0, baseUrl, output: () => output, stop };
}

async function isReady(baseUrl: string): Promise<boolean> {
  try {
    return (await fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(2000) })).status === 200;
  } catch {
    return false;
  }
}
