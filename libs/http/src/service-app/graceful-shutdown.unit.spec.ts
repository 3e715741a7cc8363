import { Writable } from 'node:stream';
import { Controller, Get, Injectable, Module } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationShutdown } from '@nestjs/common';
import { installGracefulShutdown, ObservabilityModule } from '@pushmfa/observability';
import { createServiceApp } from './create-service-app';

// Needs nothing but a free port. SIGTERM is emitted on `process` (handlers run, no real signal is sent).
const quietLogs = new Writable({ write: (_chunk, _encoding, callback) => callback() });

let releaseConsumers: () => void = () => undefined;
let hangOnShutdown = false;
const shutdownSteps: string[] = [];

@Injectable()
class FakeConsumer implements BeforeApplicationShutdown, OnApplicationShutdown {
  async beforeApplicationShutdown(): Promise<void> {
    shutdownSteps.push('consumers stopping');
    await new Promise<void>((resolve) => {
      releaseConsumers = resolve;
    });
    shutdownSteps.push('consumers stopped');
  }

  async onApplicationShutdown(): Promise<void> {
    shutdownSteps.push('pools closed');
    if (hangOnShutdown) await new Promise(() => undefined);
  }
}

@Controller('slow')
class SlowController {
  @Get()
  async slow(): Promise<{ done: boolean }> {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { done: true };
  }
}

@Module({
  imports: [ObservabilityModule.forService({ serviceName: 'shutdown-test', logDestination: quietLogs })],
  controllers: [SlowController],
  providers: [FakeConsumer],
})
class ShutdownModule {}

async function startApp(timeoutMs: number) {
  const app = await createServiceApp(ShutdownModule, { serviceName: 'shutdown-test', port: 0, host: '127.0.0.1', handleSignals: false });
  const exitCodes: number[] = [];
  const exited = new Promise<number>((resolve) => {
    const uninstall = installGracefulShutdown(app, {
      timeoutMs,
      exit: (code) => {
        uninstall();
        exitCodes.push(code);
        resolve(code);
      },
    });
  });
  return { app, url: await app.getUrl(), exited, exitCodes };
}

describe('graceful shutdown', () => {
  beforeEach(() => {
    shutdownSteps.length = 0;
    hangOnShutdown = false;
  });

  it('turns not-ready, lets consumers stop, finishes in-flight requests, then exits 0', async () => {
    const { url, exited } = await startApp(5_000);
    const inFlight = fetch(`${url}/slow`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    process.emit('SIGTERM', 'SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await fetch(`${url}/health/ready`)).status).toBe(503);
    releaseConsumers();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ done: true });
    expect(await exited).toBe(0);
    expect(shutdownSteps).toEqual(['consumers stopping', 'consumers stopped', 'pools closed']);
  });

  it('exits 1 when shutdown outlives the deadline', async () => {
    hangOnShutdown = true;
    const { exited } = await startApp(300);
    process.emit('SIGTERM', 'SIGTERM');
    while (!shutdownSteps.includes('consumers stopping')) await new Promise((resolve) => setTimeout(resolve, 10));
    releaseConsumers();
    expect(await exited).toBe(1);
    expect(shutdownSteps).toEqual(['consumers stopping', 'consumers stopped', 'pools closed']);
  });
});
