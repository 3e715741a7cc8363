import { readFileSync } from 'node:fs';

export interface LatencyFigures {
  samples: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles of request times in ms, rounded to 0.1 ms. */
export function latencyFiguresOf(timesMs: number[]): LatencyFigures {
  const sorted = [...timesMs].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return { samples: sorted.length, p50: round(at(0.5)), p95: round(at(0.95)), p99: round(at(0.99)), max: round(sorted[sorted.length - 1] ?? 0) };
}

/** GET with the admin key; fails on any answer but 200, since a timed error would flatter the figures. */
export async function getOk(baseUrl: string, path: string, key: string): Promise<Response> {
  const response = await fetch(baseUrl + path, { headers: { authorization: `Bearer ${key}` } });
  if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${(await response.text()).slice(0, 500)}`);
  return response;
}

/** Times `repetitions` sequential requests after a few untimed ones that warm the caches and the connection. */
export async function timeRequests(repetitions: number, request: (round: number) => Promise<void>, warmups = 3): Promise<LatencyFigures> {
  for (let round = 0; round < warmups; round++) await request(round);
  const times: number[] = [];
  for (let round = 0; round < repetitions; round++) {
    const started = performance.now();
    await request(round);
    times.push(performance.now() - started);
  }
  return latencyFiguresOf(times);
}

export interface ServiceMemory {
  rssBytes: number;
  /** The highest RSS since the process started (VmHWM). */
  peakRssBytes: number;
}

/** The memory of a process, from /proc (Linux). */
export function memoryOf(pid: number): ServiceMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rssBytes: kib('VmRSS'), peakRssBytes: kib('VmHWM') };
}

export interface Download {
  ms: number;
  bytes: number;
  /** CSV lines after the header. */
  rows: number;
  firstByteMs: number;
  rssBeforeBytes: number;
  rssAfterBytes: number;
  /** The highest RSS sampled while the body streamed. */
  rssDuringMaxBytes: number;
}

/** Downloads a CSV, counting bytes and CRLFs without keeping it, and samples the service's RSS as it streams. */
export async function downloadCsv(baseUrl: string, path: string, key: string, servicePid: number): Promise<Download> {
  const rssBeforeBytes = memoryOf(servicePid).rssBytes;
  let rssDuringMaxBytes = rssBeforeBytes;
  const sampler = setInterval(() => (rssDuringMaxBytes = Math.max(rssDuringMaxBytes, memoryOf(servicePid).rssBytes)), 50);
  try {
    const started = performance.now();
    const response = await getOk(baseUrl, path, key);
    let firstByteMs = 0;
    let bytes = 0;
    let lines = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      if (bytes === 0) firstByteMs = performance.now() - started;
      bytes += chunk.byteLength;
      for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines += 1;
    }
    const ms = performance.now() - started;
    rssDuringMaxBytes = Math.max(rssDuringMaxBytes, memoryOf(servicePid).rssBytes);
    return { ms, bytes, rows: Math.max(0, lines - 1), firstByteMs, rssBeforeBytes, rssAfterBytes: memoryOf(servicePid).rssBytes, rssDuringMaxBytes };
  } finally {
    clearInterval(sampler);
  }
}
