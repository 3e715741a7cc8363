import { Writable } from 'node:stream';
import { Body, Controller, Get, Module, Post, Req } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { currentCorrelationId, injectTraceparent, ObservabilityModule, ReadinessRegistry, shutdownTracing, startTracing } from '@pushmfa/observability';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ProblemException } from '../problem/problem.exception';
import { parseBody } from '../validation/parse-body';
import { createServiceApp } from './create-service-app';

// This file reads request log lines, which are written at info level (the test setup defaults to warn).
process.env.LOG_LEVEL = 'info';

// Needs nothing but a free port: a tiny app built the way every service is, exercised over real HTTP.
const logLines: string[] = [];
const logDestination = new Writable({
  write(chunk: Buffer, _encoding, callback) {
    logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    callback();
  },
});

const greetingSchema = z.object({ name: z.string().min(1), age: z.number().int() });

@Controller('probe')
class ProbeController {
  @Get('locked')
  locked(): never {
    throw new ProblemException('push_locked', 'push is locked for 15 minutes', { retryAfterSeconds: 900 });
  }

  @Get('boom')
  boom(): never {
    throw new Error('SELECT * FROM api_keys WHERE secret = 42');
  }

  @Get('store-down')
  storeDown(): never {
    const error = new Error('connect ECONNREFUSED 127.0.0.1:5432');
    error.name = 'EventStoreUnavailableError';
    throw error;
  }

  @Get('context')
  context(): { correlationId: string | undefined; traceparent: string | undefined } {
    return { correlationId: currentCorrelationId(), traceparent: injectTraceparent() };
  }

  @Post('echo')
  echo(@Req() request: FastifyRequest, @Body() body: unknown): { rawBytes: number | null; body: unknown } {
    return { rawBytes: request.rawBody?.length ?? null, body: body ?? null };
  }

  @Post('greet')
  greet(@Body() body: unknown): { hello: string } {
    return { hello: parseBody(greetingSchema, body).name };
  }
}

@Module({
  imports: [ObservabilityModule.forService({ serviceName: 'probe-service', logDestination, env: { LOG_REQUEST_SAMPLE_RATIO: '1' } })],
  controllers: [ProbeController],
})
class ProbeModule {}

describe('createServiceApp', () => {
  let app: NestFastifyApplication;
  let baseUrl: string;
  let dependencyUp = false;

  beforeAll(async () => {
    startTracing('probe-service', { TRACE_SAMPLE_RATIO: '1' });
    app = await createServiceApp(ProbeModule, { serviceName: 'probe-service', port: 0, host: '127.0.0.1', handleSignals: false });
    app.get(ReadinessRegistry).register('dependency', () => dependencyUp);
    baseUrl = await app.getUrl();
  });

  afterAll(async () => {
    await app.close();
    await shutdownTracing();
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${baseUrl}${path}`, { headers });
  const post = (path: string, body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(`${baseUrl}${path}`, { method: 'POST', body, headers });

  it('answers live at once and ready only once every check passes', async () => {
    expect((await get('/health/live')).status).toBe(200);
    const notReady = await get('/health/ready');
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({ status: 'error', error: { dependency: { status: 'down' } } });
    dependencyUp = true;
    const ready = await get('/health/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', info: { dependency: { status: 'up' } } });
  });

  it('answers ready 503 once shutting down', async () => {
    const registry = new ReadinessRegistry();
    registry.register('dependency', () => true);
    registry.markShuttingDown();
    expect(await registry.evaluate()).toEqual({ ready: false, checks: { dependency: 'up', shutdown: 'down' } });
  });

  it('serves Prometheus text with the HTTP duration histogram and the service label', async () => {
    await get('/probe/context');
    const response = await get('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toContain('http_request_duration_seconds_bucket');
    expect(text).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/probe\/context"[^}]*status_code="200"/);
    expect(text).toContain('service="probe-service"');
  });

  it('serves the OpenAPI document as JSON', async () => {
    const response = await get('/openapi.json');
    expect(response.status).toBe(200);
    const document = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/probe/echo', '/health/ready']));
  });

  it('renders a thrown ProblemException as problem+json with Retry-After when given', async () => {
    const response = await get('/probe/locked');
    expect(response.status).toBe(423);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.headers.get('retry-after')).toBe('900');
    expect(await response.json()).toMatchObject({
      type: 'https://pushmfa.dev/problems/push_locked',
      status: 423,
      code: 'push_locked',
      detail: 'push is locked for 15 minutes',
    });
  });

  it('answers a body over 64 KiB with payload_too_large', async () => {
    const response = await post('/probe/echo', JSON.stringify({ padding: 'x'.repeat(65 * 1024) }));
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({ code: 'payload_too_large', status: 413 });
  });

  it('answers invalid JSON with validation_failed naming the body', async () => {
    const response = await post('/probe/echo', '{"name": ');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'validation_failed', errors: [{ field: 'body' }] });
  });

  it('answers a schema violation with validation_failed naming each field', async () => {
    const response = await post('/probe/greet', JSON.stringify({ name: '', age: 'old' }));
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { errors: { field: string }[] };
    expect(problem.errors.map((error) => error.field).sort()).toEqual(['age', 'name']);
  });

  it('keeps the raw body bytes and accepts an empty JSON body', async () => {
    const raw = '{ "a" : 1 }';
    expect(await (await post('/probe/echo', raw)).json()).toEqual({ rawBytes: Buffer.byteLength(raw), body: { a: 1 } });
    const empty = await post('/probe/echo', '');
    expect(empty.status).toBe(201);
    expect(await empty.json()).toEqual({ rawBytes: 0, body: null });
    const noBody = await fetch(`${baseUrl}/probe/echo`, { method: 'POST' });
    expect(noBody.status).toBe(201);
  });

  it('answers an unknown route with not_found', async () => {
    const response = await get('/nowhere');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({ code: 'not_found', status: 404 });
  });

  it('answers an unexpected error with a bare 500 and logs it with the correlation id', async () => {
    const response = await get('/probe/boom', { 'x-correlation-id': 'corr-boom-1' });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({ code: 'internal', status: 500, correlationId: 'corr-boom-1' });
    expect(text).not.toMatch(/SELECT|api_keys|at .*\.ts|stack/);
    const logged = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged).toContainEqual(expect.objectContaining({ level: 'error', correlationId: 'corr-boom-1', service: 'probe-service' }));
  });

  it('answers an unavailable store with 503 unavailable and Retry-After', async () => {
    const response = await get('/probe/store-down');
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({ code: 'unavailable' });
    expect(text).not.toContain('ECONNREFUSED');
  });

  it('echoes a sane correlation id, replaces an insane one, and exposes it and the trace to handlers', async () => {
    const sane = await get('/probe/context', { 'x-correlation-id': 'abc-123' });
    expect(sane.headers.get('x-correlation-id')).toBe('abc-123');
    const seen = (await sane.json()) as { correlationId: string; traceparent: string };
    expect(seen.correlationId).toBe('abc-123');
    expect(seen.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

    const parent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const continued = (await (await get('/probe/context', { traceparent: parent })).json()) as { traceparent: string };
    expect(continued.traceparent.split('-')[1]).toBe('0af7651916cd43dd8448eb211c80319c');

    const insane = await get('/probe/context', { 'x-correlation-id': 'bad id; <script>' });
    const replaced = insane.headers.get('x-correlation-id');
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
    expect(((await insane.json()) as { correlationId: string }).correlationId).toBe(replaced);
  });

  it('never logs an Authorization or X-Signature value, and skips probe and scrape requests', async () => {
    logLines.length = 0;
    await get('/probe/context', { authorization: 'Bearer super-secret-operator-token', 'x-signature': 'sig-value-xyz' });
    await get('/health/live');
    await get('/metrics');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const all = logLines.join('\n');
    expect(all).not.toContain('super-secret-operator-token');
    expect(all).not.toContain('sig-value-xyz');
    const completed = logLines.map((line) => JSON.parse(line) as { req?: { url?: string }; service?: string });
    expect(completed.some((line) => line.req?.url === '/probe/context')).toBe(true);
    expect(completed.every((line) => line.service === 'probe-service')).toBe(true);
    expect(completed.some((line) => line.req?.url?.startsWith('/health') || line.req?.url === '/metrics')).toBe(false);
  });
});
