import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Pool } from 'pg';
import type { ContractEnvelope } from '@pushmfa/contracts';
import { ReportingTestApp } from '../reporting.test-app';
import { SIGNATURE_HEADER, verifySignature } from './webhook-signature';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local endpoint: records what it receives and answers `status` (changeable), or is closed. */
class Receiver {
  readonly received: Received[] = [];
  status = 204;
  private server?: Server;
  port = 0;

  async open(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(this.status).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }
}

function envelope(type: string, workspaceId: string, data: Record<string, unknown>, streamId = workspaceId): ContractEnvelope {
  return {
    id: randomUUID(),
    type,
    version: 1,
    occurredAt: new Date().toISOString(),
    workspaceId,
    streamId,
    correlationId: randomUUID(),
    data,
  } as unknown as ContractEnvelope;
}

const lockedUntil = () => new Date(Date.now() + 15 * 60_000).toISOString();
const fraudReported = (workspaceId: string, challengeId = randomUUID()) =>
  envelope('FraudReported', workspaceId, { challengeId, userId: 'alice', deviceId: 'dev-1', lockedUntil: lockedUntil() }, challengeId);
const pushLocked = (workspaceId: string, challengeId = randomUUID()) =>
  envelope(
    'PushLocked',
    workspaceId,
    { challengeId, userId: 'alice', reason: 'number_mismatch', lockedUntil: lockedUntil(), consecutiveMismatches: 3 },
    challengeId,
  );

describe('webhooks to the security team', () => {
  let service: ReportingTestApp;
  let pool: Pool;
  const workspaceId = `ws-hooks-${randomUUID()}`;
  const otherWorkspaceId = `ws-hooks-other-${randomUUID()}`;
  let admin: string;
  let otherAdmin: string;
  let platform: string;
  const receivers: Receiver[] = [];

  const receiver = async () => {
    const opened = await new Receiver().open();
    receivers.push(opened);
    return opened;
  };
  const register = async (url: string, events: string[], key = admin) => {
    const answer = await service.send('POST', '/v1/workspace/webhooks', key, { url, events });
    expect(answer.status).toBe(201);
    return answer.body as { webhookId: string; secret: string; url: string; events: string[] };
  };
  const deliveries = (webhookId: string, key = admin) => service.get(`/v1/workspace/webhooks/${webhookId}/deliveries`, key);

  beforeAll(async () => {
    // Production mode (the default), with private targets allowed so that plain http reaches the loopback receivers
    // (the public-only guard has its own tests). Retries in a fraction of a second.
    service = await ReportingTestApp.start('webhooks', {
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      WEBHOOK_RETRY_BASE_MS: '200',
      WEBHOOK_RETRY_CAP_MS: '800',
      WEBHOOK_RETRY_WINDOW_MS: '120000',
      WEBHOOK_POLL_INTERVAL_MS: '100',
      WEBHOOK_TIMEOUT_MS: '2000',
      WEBHOOK_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
    });
    pool = new Pool({ connectionString: service.namespace.databaseUrl, max: 2 });
    [admin, otherAdmin, platform] = await Promise.all([
      service.issueApiKey(workspaceId, 'admin'),
      service.issueApiKey(otherWorkspaceId, 'admin'),
      service.issueApiKey(workspaceId, 'platform'),
    ]);
  });

  afterAll(async () => {
    await Promise.all(receivers.map((opened) => opened.close()));
    await pool?.end();
    await service?.stop();
  });

  it('delivers a signed fraud_reported within seconds, and only the events the endpoint subscribed to', async () => {
    const endpoint = await receiver();
    const webhook = await register(endpoint.url, ['fraud_reported']);
    expect(webhook).toMatchObject({ url: endpoint.url, events: ['fraud_reported'], enabled: true, disabledReason: null });
    expect(webhook.secret).toMatch(/^whsec_/);
    // Same challenge, same partition: the push_locked (not subscribed to) is consumed before the fraud report.
    const challengeId = randomUUID();
    const fraud = fraudReported(workspaceId, challengeId);
    const sentAt = Date.now();
    await service.publish(pushLocked(workspaceId, challengeId), fraud);

    await service.eventually(
      async () => endpoint.received.length,
      (count) => count > 0,
      'the fraud report at the endpoint',
      10_000,
    );
    expect(Date.now() - sentAt).toBeLessThan(10_000);
    expect(endpoint.received).toHaveLength(1);
    const [request] = endpoint.received;
    expect(request!.headers['content-type']).toBe('application/json');
    const signature = String(request!.headers[SIGNATURE_HEADER]);
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature(webhook.secret, request!.body, signature, Math.floor(Date.now() / 1000))).toBe(true);
    expect(verifySignature('whsec_another', request!.body, signature, Math.floor(Date.now() / 1000))).toBe(false);
    expect(JSON.parse(request!.body)).toEqual({
      id: fraud.id,
      type: 'fraud_reported',
      workspaceId,
      occurredAt: fraud.occurredAt,
      data: { challengeId, userId: 'alice', deviceId: 'dev-1', lockedUntil: (fraud.data as { lockedUntil: string }).lockedUntil, challengeStatus: null },
    });

    const answer = await service.eventually(
      () => deliveries(webhook.webhookId),
      (got) => got.status === 200 && got.body.items[0]?.status === 'delivered',
      'the delivery recorded as delivered',
    );
    expect(answer.body.items).toHaveLength(1);
    expect(answer.body.items[0]).toMatchObject({ eventId: fraud.id, type: 'fraud_reported', status: 'delivered', nextAttemptAt: null });
    expect(answer.body.items[0].attempts).toEqual([expect.objectContaining({ attempt: 1, httpStatus: 204, error: null, nextAttemptAt: null })]);
  });

  it("alerts on an MFA reset, a device revocation and an admin's push unlock from the registry topic, and not another workspace's", async () => {
    const endpoint = await receiver();
    await register(endpoint.url, ['mfa_reset', 'device_revoked', 'push_unlocked', 'diagnostics_shared']);
    const lift = { userId: 'dan', liftedBy: 'k-1', reason: 'fraud_report', lockedUntil: lockedUntil(), challengeId: 'ch-locking' };
    const lifted = envelope('PushLockLifted', workspaceId, lift);
    await service.publish(
      envelope('PushLockLifted', otherWorkspaceId, { ...lift, liftedBy: 'k-other' }),
      lifted,
      envelope('UserMfaReset', otherWorkspaceId, { userId: 'bob', revokedDeviceIds: ['dev-9'], resetBy: { kind: 'admin', keyId: 'k-other' } }),
      envelope('UserMfaReset', workspaceId, { userId: 'bob', revokedDeviceIds: ['dev-2'], resetBy: { kind: 'admin', keyId: 'k-1' } }),
      envelope('DeviceRevoked', workspaceId, { deviceId: 'dev-3', userId: 'carol', reason: 'revoked', revokedBy: { kind: 'platform' } }),
    );
    await service.eventually(
      async () => endpoint.received.length,
      (count) => count >= 3,
      'the three registry alerts at the endpoint',
    );
    const bodies = endpoint.received.map((request) => JSON.parse(request.body));
    expect(bodies.map((body) => body.type).sort()).toEqual(['device_revoked', 'mfa_reset', 'push_unlocked']);
    expect(bodies.every((body) => body.workspaceId === workspaceId)).toBe(true);
    expect(bodies.find((body) => body.type === 'mfa_reset').data).toEqual({ userId: 'bob', revokedDeviceIds: ['dev-2'], resetBy: { kind: 'admin' } });
    expect(bodies.find((body) => body.type === 'push_unlocked')).toEqual({
      id: lifted.id,
      type: 'push_unlocked',
      workspaceId,
      occurredAt: lifted.occurredAt,
      data: {
        userId: 'dan',
        unlockedAt: lifted.occurredAt,
        unlockedBy: { keyId: 'k-1' },
        challengeId: 'ch-locking',
        previousReason: 'fraud_report',
        previousLockedUntil: lift.lockedUntil,
      },
    });
  });

  it('alerts on shared app logs with the incident id and the line count, never the logs', async () => {
    const endpoint = await receiver();
    await register(endpoint.url, ['diagnostics_shared']);
    const sharedAt = new Date().toISOString();
    const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    await service.publish(
      envelope('DiagnosticsShared', workspaceId, {
        incidentId: 'INC-AB12-CD34',
        userId: 'dana',
        deviceId: 'dev-4',
        sharedAt,
        expiresAt,
        logs: ['token [push token …abc123]', 'Accept tapped, no answer'],
      }),
    );
    await service.eventually(
      async () => endpoint.received.length,
      (count) => count >= 1,
      'the diagnostics alert at the endpoint',
    );
    const body = JSON.parse(endpoint.received[0]!.body);
    expect(body).toMatchObject({ type: 'diagnostics_shared', workspaceId });
    expect(body.data).toEqual({
      incidentId: 'INC-AB12-CD34',
      userId: 'dana',
      deviceId: 'dev-4',
      challengeId: null,
      sharedAt,
      expiresAt,
      appVersion: null,
      lineCount: 2,
    });
    expect(endpoint.received[0]!.body).not.toContain('Accept tapped');
  });

  it('retries while the endpoint answers 500 and while it is closed, then delivers, every attempt visible', async () => {
    const endpoint = await receiver();
    endpoint.status = 500;
    const webhook = await register(endpoint.url, ['fraud_reported']);
    const fraud = fraudReported(workspaceId);
    await service.publish(fraud);

    await service.eventually(
      () => deliveries(webhook.webhookId),
      (got) => got.status === 200 && got.body.items[0]?.attempts.length >= 2,
      'two failed attempts',
    );
    await endpoint.close();
    const whileClosed = await service.eventually(
      () => deliveries(webhook.webhookId),
      (got) => got.body.items[0]?.attempts.some((attempt: { httpStatus: number | null }) => attempt.httpStatus === null),
      'an attempt while the endpoint is closed',
    );
    expect(whileClosed.body.items[0].status).toBe('pending');
    expect(whileClosed.body.items[0].nextAttemptAt).toEqual(expect.any(String));
    endpoint.status = 200;
    await endpoint.open();

    const delivered = await service.eventually(
      () => deliveries(webhook.webhookId),
      (got) => got.body.items[0]?.status === 'delivered',
      'the delivery on a retry',
    );
    const attempts = delivered.body.items[0].attempts as Array<{
      attempt: number;
      httpStatus: number | null;
      error: string | null;
      nextAttemptAt: string | null;
    }>;
    expect(attempts.slice(0, 2)).toEqual([
      expect.objectContaining({ attempt: 1, httpStatus: 500, error: 'answered 500', nextAttemptAt: expect.any(String) }),
      expect.objectContaining({ attempt: 2, httpStatus: 500, error: 'answered 500', nextAttemptAt: expect.any(String) }),
    ]);
    expect(attempts.find((attempt) => attempt.httpStatus === null)?.error).toMatch(/connection failed/);
    expect(attempts[attempts.length - 1]).toMatchObject({ httpStatus: 200, error: null, nextAttemptAt: null });
    expect(attempts.map((attempt) => attempt.attempt)).toEqual(attempts.map((_, i) => i + 1));
    const metrics = await fetch(`${service.baseUrl}/metrics`).then((response) => response.text());
    expect(metrics).toMatch(/reporting_webhook_attempts_total\{outcome="retrying"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/reporting_webhook_attempts_total\{outcome="delivered"[^}]*\} [1-9]/);
    const successes = endpoint.received.filter((request) => JSON.parse(request.body).id === fraud.id);
    expect(successes.length).toBe(attempts.filter((attempt) => attempt.httpStatus !== null).length);
  });

  it('disables an endpoint whose delivery failed for the whole retry window, flagged as failing', async () => {
    const endpoint = await receiver();
    endpoint.status = 503;
    const webhook = await register(endpoint.url, ['push_locked']);
    await service.publish(pushLocked(workspaceId));
    await service.eventually(
      () => deliveries(webhook.webhookId),
      (got) => got.body.items[0]?.attempts.length >= 1,
      'a failed attempt',
    );
    // The window (two minutes here, 24 h by default) closes now instead of waiting for it.
    await pool.query(`update reporting.webhook_deliveries set retry_until = now(), next_attempt_at = now() where webhook_id = $1`, [webhook.webhookId]);
    const failed = await service.eventually(
      () => deliveries(webhook.webhookId),
      (got) => got.body.items[0]?.status === 'failed',
      'the delivery failed for good',
    );
    expect(failed.body.items[0].nextAttemptAt).toBeNull();
    const listed = await service.get('/v1/workspace/webhooks', admin);
    expect(listed.body.items.find((item: { webhookId: string }) => item.webhookId === webhook.webhookId)).toMatchObject({
      enabled: false,
      disabledReason: 'failing',
      disabledAt: expect.any(String),
    });
  });

  it('sends nothing to a disabled endpoint until it is enabled again', async () => {
    const endpoint = await receiver();
    const webhook = await register(endpoint.url, ['fraud_reported']);
    const disabled = await service.send('POST', `/v1/workspace/webhooks/${webhook.webhookId}/disable`, admin);
    expect(disabled).toMatchObject({ status: 200, body: { enabled: false, disabledReason: 'admin' } });
    // Consumed while disabled: not recorded for this endpoint. A later event, once enabled, is. The probe's event
    // goes to the same partition (same challenge), after the first: once the probe has it, the first was consumed.
    const challengeId = randomUUID();
    await service.publish(fraudReported(workspaceId, challengeId));
    const probe = await register((await receiver()).url, ['fraud_reported']);
    const laterProbe = fraudReported(workspaceId, challengeId);
    await service.publish(laterProbe);
    await service.eventually(
      () => deliveries(probe.webhookId),
      (got) => got.body.items.some((item: { eventId: string }) => item.eventId === laterProbe.id),
      'the probe endpoint to have the later event (so the first one was consumed)',
    );
    expect((await deliveries(webhook.webhookId)).body.items).toEqual([]);
    expect(endpoint.received).toEqual([]);

    const enabled = await service.send('POST', `/v1/workspace/webhooks/${webhook.webhookId}/enable`, admin);
    expect(enabled).toMatchObject({ status: 200, body: { enabled: true, disabledReason: null, disabledAt: null } });
    const after = fraudReported(workspaceId);
    await service.publish(after);
    await service.eventually(
      async () => endpoint.received.map((request) => JSON.parse(request.body).id),
      (ids) => ids.includes(after.id),
      'the event after enabling',
    );
  });

  it('lists endpoints without their secrets, and deletes them', async () => {
    const webhook = await register('https://alerts.example.com/pushmfa', ['fraud_reported', 'push_locked', 'fraud_reported']);
    expect(webhook.events).toEqual(['fraud_reported', 'push_locked']);
    const listed = await service.get('/v1/workspace/webhooks', admin);
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain(webhook.secret);
    const item = listed.body.items.find((candidate: { webhookId: string }) => candidate.webhookId === webhook.webhookId);
    expect(item).toEqual({
      webhookId: webhook.webhookId,
      url: 'https://alerts.example.com/pushmfa',
      events: ['fraud_reported', 'push_locked'],
      enabled: true,
      disabledReason: null,
      disabledAt: null,
      createdAt: expect.any(String),
    });
    // Sealed at rest with WEBHOOK_SECRET_KEY: the database does not hold the secret either.
    const { rows } = await pool.query(`select secret_sealed from reporting.webhook_endpoints where webhook_id = $1`, [webhook.webhookId]);
    expect(rows[0].secret_sealed).toMatch(/^v1\./);
    expect(rows[0].secret_sealed).not.toContain(webhook.secret.slice('whsec_'.length));

    expect((await service.send('DELETE', `/v1/workspace/webhooks/${webhook.webhookId}`, admin)).status).toBe(204);
    const after = await service.get('/v1/workspace/webhooks', admin);
    expect(after.body.items.some((candidate: { webhookId: string }) => candidate.webhookId === webhook.webhookId)).toBe(false);
    expect((await deliveries(webhook.webhookId)).status).toBe(404);
  });

  it("answers 404 for another workspace's webhook and 403 to a platform key", async () => {
    const webhook = await register('https://alerts.example.com/mine', ['fraud_reported']);
    const path = `/v1/workspace/webhooks/${webhook.webhookId}`;
    for (const [method, suffix] of [
      ['GET', '/deliveries'],
      ['POST', '/disable'],
      ['POST', '/enable'],
      ['DELETE', ''],
    ] as const) {
      const answer = await service.send(method, path + suffix, otherAdmin);
      expect({ method, suffix, status: answer.status, code: answer.body?.code }).toEqual({ method, suffix, status: 404, code: 'not_found' });
    }
    const otherList = await service.get('/v1/workspace/webhooks', otherAdmin);
    expect(otherList.body.items).toEqual([]);
    expect((await service.get('/v1/workspace/webhooks', admin)).body.items.some((item: { webhookId: string }) => item.webhookId === webhook.webhookId)).toBe(
      true,
    );
    expect((await service.get('/v1/workspace/webhooks/not-a-uuid/deliveries', admin)).status).toBe(404);
    expect((await service.get('/v1/workspace/webhooks', platform)).body.code).toBe('forbidden');
    expect((await service.send('POST', '/v1/workspace/webhooks', platform, { url: 'https://a.example', events: ['fraud_reported'] })).status).toBe(403);
    expect((await service.get('/v1/workspace/webhooks')).status).toBe(401);
  });

  it.each([
    [{ url: 'http://alerts.example.com/hook', events: ['fraud_reported'] }, 'url'],
    [{ url: 'http://10.0.0.1:8080/hook', events: ['fraud_reported'] }, 'url'],
    [{ url: 'ftp://alerts.example.com/hook', events: ['fraud_reported'] }, 'url'],
    [{ url: 'https://user:pass@alerts.example.com/hook', events: ['fraud_reported'] }, 'url'],
    [{ url: 'not a url', events: ['fraud_reported'] }, 'url'],
    [{ events: ['fraud_reported'] }, 'url'],
    [{ url: 'https://alerts.example.com/hook', events: [] }, 'events'],
    [{ url: 'https://alerts.example.com/hook', events: ['challenge_approved'] }, 'events.0'],
    [{ url: 'https://alerts.example.com/hook' }, 'events'],
    [{ url: 'https://alerts.example.com/hook', events: ['fraud_reported'], secret: 'mine' }, 'body'],
  ])('refuses %j with validation_failed naming %s', async (body, field) => {
    const answer = await service.send('POST', '/v1/workspace/webhooks', admin, body);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'validation_failed', errors: [expect.objectContaining({ field })] });
  });

  it('refuses a deliveries limit out of range', async () => {
    const webhook = await register('https://alerts.example.com/limits', ['fraud_reported']);
    const answer = await service.get(`/v1/workspace/webhooks/${webhook.webhookId}/deliveries?limit=0`, admin);
    expect(answer.body).toMatchObject({ code: 'validation_failed', errors: [expect.objectContaining({ field: 'limit' })] });
  });
});
