import { describe, expect, it } from '@jest/globals';
import type { ContractEnvelope } from '@pushmfa/contracts';
import { isWebhookSource, webhookPayloadOf, type WebhookSourceEnvelope } from './webhook-events';
import { generateWebhookSecret, WebhookSecretBox } from './webhook-secret-box';
import { signatureHeader, verifySignature } from './webhook-signature';
import { webhookUrlProblem } from './webhook-url';

describe('webhook endpoint URLs', () => {
  it.each(['https://alerts.example.com/hook', 'http://127.0.0.1:8080/hook', 'http://127.8.9.10/hook', 'http://[::1]:9000/hook'])(
    'accepts %s in production mode',
    (url) => expect(webhookUrlProblem(url, 'production')).toBeUndefined(),
  );

  it.each([
    'http://alerts.example.com/hook',
    'http://localhost/hook',
    'http://10.0.0.1/hook',
    'http://[::2]/hook',
    'ws://127.0.0.1/x',
    'https://a:b@example.com/',
  ])('refuses %s in production mode', (url) => expect(webhookUrlProblem(url, 'production')).toEqual(expect.any(String)));

  it('accepts http://localhost in development mode only', () => {
    expect(webhookUrlProblem('http://localhost:3000/hook', 'development')).toBeUndefined();
    expect(webhookUrlProblem('http://alerts.example.com/hook', 'development')).toEqual(expect.any(String));
  });
});

describe('webhook signatures', () => {
  const secret = generateWebhookSecret();
  const body = '{"id":"e1","type":"fraud_reported"}';

  it('verifies the header it makes, within the tolerance only', () => {
    const header = signatureHeader(secret, body, 1_700_000_000);
    expect(header).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
    expect(verifySignature(secret, body, header, 1_700_000_100)).toBe(true);
    expect(verifySignature(secret, body, header, 1_700_000_000 + 301)).toBe(false);
    expect(verifySignature(secret, body + ' ', header, 1_700_000_000)).toBe(false);
    expect(verifySignature(generateWebhookSecret(), body, header, 1_700_000_000)).toBe(false);
  });
});

describe('webhook secrets at rest', () => {
  const secret = generateWebhookSecret();

  it('encrypts with a key and reads back what it sealed', () => {
    const box = new WebhookSecretBox(Buffer.alloc(32, 1));
    const sealed = box.seal(secret);
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain(secret);
    expect(box.open(sealed)).toBe(secret);
    expect(() => new WebhookSecretBox(Buffer.alloc(32, 2)).open(sealed)).toThrow();
  });

  it('stores as is without a key, and a key set later still reads those', () => {
    const sealed = new WebhookSecretBox().seal(secret);
    expect(sealed).toBe(`plain.${secret}`);
    expect(new WebhookSecretBox(Buffer.alloc(32, 1)).open(sealed)).toBe(secret);
  });
});

describe('webhook payloads', () => {
  it('sends push_unlocked with who lifted which lock, absent fields as null', () => {
    const envelope = {
      id: 'e1',
      type: 'PushUnlocked',
      version: 1,
      occurredAt: '2026-12-05T09:00:00.000Z',
      workspaceId: 'ws1',
      streamId: 'push-user-ws1-alice',
      correlationId: 'c1',
      data: { userId: 'alice', unlockedAt: '2026-12-05T09:00:00.000Z', unlockedBy: { keyId: 'k1' }, previousReason: 'fraud_report' },
    } as unknown as ContractEnvelope;
    expect(isWebhookSource(envelope)).toBe(true);
    expect(webhookPayloadOf(envelope as WebhookSourceEnvelope)).toEqual({
      id: 'e1',
      type: 'push_unlocked',
      workspaceId: 'ws1',
      occurredAt: '2026-12-05T09:00:00.000Z',
      data: {
        userId: 'alice',
        unlockedAt: '2026-12-05T09:00:00.000Z',
        unlockedBy: { keyId: 'k1' },
        challengeId: null,
        previousReason: 'fraud_report',
        previousLockedUntil: null,
      },
    });
  });

  it('sends diagnostics_shared with the incident id and the line count, never the logs', () => {
    const envelope = {
      id: 'e2',
      type: 'DiagnosticsShared',
      version: 1,
      workspaceId: 'ws1',
      occurredAt: '2026-12-05T09:00:00.000Z',
      streamId: 'diagnostics-INC-AB12-CD34',
      correlationId: 'c1',
      data: {
        incidentId: 'INC-AB12-CD34',
        userId: 'alice',
        deviceId: 'd1',
        sharedAt: '2026-12-05T09:00:00.000Z',
        expiresAt: '2027-01-04T09:00:00.000Z',
        health: { notifications: 'denied' },
        logs: ['token [push token …abc123]', 'second line'],
      },
    };
    expect(isWebhookSource(envelope as WebhookSourceEnvelope)).toBe(true);
    const payload = webhookPayloadOf(envelope as WebhookSourceEnvelope);
    expect(payload).toEqual({
      id: 'e2',
      type: 'diagnostics_shared',
      workspaceId: 'ws1',
      occurredAt: '2026-12-05T09:00:00.000Z',
      data: {
        incidentId: 'INC-AB12-CD34',
        userId: 'alice',
        deviceId: 'd1',
        challengeId: null,
        sharedAt: '2026-12-05T09:00:00.000Z',
        expiresAt: '2027-01-04T09:00:00.000Z',
        appVersion: null,
        lineCount: 2,
      },
    });
    expect(JSON.stringify(payload)).not.toMatch(/second line|push token|denied/);
  });
});
