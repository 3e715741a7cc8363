import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { testKafka } from '@pushmfa/testing';
import type { KeepAliveHttpClient } from './keep-alive-http.client';
import { LatencySamples, type LatencySummary } from './latency-summary';

export interface FloorSettings {
  databaseUrl: string;
  brokers: string[];
  topicPrefix: string;
  fcmUrl: string;
  fcmCaFile: string;
  fcmServiceAccountFile: string;
  /** Requests kept in flight (closed loop): enough to fill every hop's pipeline. */
  concurrency: number;
  seconds: number;
}

export interface FloorResult {
  challengesPerSecond: number;
  latencyMs: LatencySummary;
  errors: number;
}

/**
 * Runs floor-pipeline.main.js as its own process and drives it closed-loop (`concurrency` requests in flight) for
 * `seconds`: the throughput any push MFA service on this box could reach at best, to set pushmfa's beside.
 */
export async function measureFloor(http: KeepAliveHttpClient, settings: FloorSettings): Promise<FloorResult> {
  const topic = `${settings.topicPrefix}bench.floor.${Date.now()}`;
  const admin = testKafka('pushmfa-bench-floor-admin', settings.brokers).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  const child = spawn(process.execPath, [join(__dirname, 'floor-pipeline.main.js')], {
    env: {
      ...process.env,
      FLOOR_DATABASE_URL: settings.databaseUrl,
      FLOOR_KAFKA_BROKERS: settings.brokers.join(','),
      FLOOR_TOPIC: topic,
      FLOOR_FCM_URL: settings.fcmUrl,
      FLOOR_FCM_CA_FILE: settings.fcmCaFile,
      FLOOR_FCM_SERVICE_ACCOUNT_FILE: settings.fcmServiceAccountFile,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the floor pipeline did not start within 60 s:\n${output}`)), 60_000);
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening (\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the floor pipeline exited with ${code}:\n${output}`));
      });
    });
    const url = `http://127.0.0.1:${port}`;
    const samples = new LatencySamples();
    let errors = 0;
    let completed = 0;
    // A short warm-up: connections, the producer's first metadata, the pool.
    await Promise.all(
      Array.from({ length: settings.concurrency }, (_, i) => http.call(url, 'POST', '/floor', { body: { userId: `warm-${i}` } }).catch(() => undefined)),
    );
    const startedAt = performance.now();
    const endAt = startedAt + settings.seconds * 1000;
    const worker = async (index: number) => {
      for (let i = 0; performance.now() < endAt; i++) {
        const sentAt = performance.now();
        try {
          const answer = await http.call(url, 'POST', '/floor', { body: { userId: `floor-${index}-${i}` }, timeoutMs: 10_000 });
          if (answer.status === 201) {
            completed++;
            samples.add(performance.now() - sentAt);
          } else errors++;
        } catch {
          errors++;
        }
      }
    };
    await Promise.all(Array.from({ length: settings.concurrency }, (_, i) => worker(i)));
    const elapsedSeconds = (performance.now() - startedAt) / 1000;
    return { challengesPerSecond: Math.round((completed / elapsedSeconds) * 10) / 10, latencyMs: samples.summary(), errors };
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}
