import { describe, expect, it } from '@jest/globals';
import type { ContractEnvelope } from '@pushmfa/contracts';
import { isWebhookSource, webhookPayloadOf, type WebhookSourceEnvelope } from './webhook-events';
import { generateWebhookSecret, webhookSecretBox } from './webhook-secrets';
import { signatureHeader, verifySignature } from './webhook-signature';
import { isNonPublicAddress, NonPublicTargetError, postWebhook } from './webhook-target';
import { webhookUrlProblem } from './webhook-url';

const PUBLIC_ONLY = { allowPrivateTargets: false };
const PRIVATE_ALLOWED = { allowPrivateTargets: true };

describe('webhook endpoint URLs', () => {
  it.each(['https://alerts.example.com/hook', 'https://93.184.215.14/hook', 'https://[2606:4700::1111]/hook'])(
    'accepts %s with public targets only (production default)',
    (url) => expect(webhookUrlProblem(url, PUBLIC_ONLY)).toBeUndefined(),
  );

  it.each([
    'http://alerts.example.com/hook',
    'http://127.0.0.1:8080/hook',
    'http://localhost/hook',
    'https://localhost/hook',
    'https://127.0.0.1/hook',
    'https://10.0.0.1/hook',
    'https://169.254.169.254/latest/meta-data',
    'https://[::1]/hook',
    'https://[::ffff:10.0.0.1]/hook',
    'https://[fd00::1]/hook',
    'ws://alerts.example.com/x',
    'https://a:b@example.com/',
  ])('refuses %s with public targets only (production default)', (url) => expect(webhookUrlProblem(url, PUBLIC_ONLY)).toEqual(expect.any(String)));

  it('accepts plain http to loopback, and https to private addresses, only where private targets are allowed', () => {
    for (const url of ['http://localhost:3000/hook', 'http://127.0.0.1:8080/hook', 'http://[::1]:9000/hook', 'https://10.1.2.3/siem']) {
      expect(webhookUrlProblem(url, PRIVATE_ALLOWED)).toBeUndefined();
    }
    expect(webhookUrlProblem('http://alerts.example.com/hook', PRIVATE_ALLOWED)).toEqual(expect.any(String));
    expect(webhookUrlProblem('http://10.0.0.1/hook', PRIVATE_ALLOWED)).toEqual(expect.any(String));
  });
});

describe('webhook targets', () => {
  it.each([
    '127.0.0.1',
    '10.20.30.40',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fd12:3456::1',
    '::ffff:127.0.0.1',
    '::ffff:a9fe:a9fe',
    '64:ff9b::a00:1',
    'ff02::1',
  ])('calls %s not public', (address) => expect(isNonPublicAddress(address)).toBe(true));

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700::1111', '2a00:1450:4001:82b::200e', '::ffff:8.8.8.8'])('calls %s public', (address) =>
    expect(isNonPublicAddress(address)).toBe(false),
  );

  it('refuses to connect to a name that resolves to a non-public address, and to a non-public literal', async () => {
    const post = { body: '{}', headers: {}, timeoutMs: 2000 };
    await expect(postWebhook({ ...post, url: 'https://localhost:9/hook' }, PUBLIC_ONLY)).rejects.toThrow(
      /localhost resolves to a non-public address \(127\.0\.0\.1|::1\)/,
    );
    await expect(postWebhook({ ...post, url: 'https://169.254.169.254/hook' }, PUBLIC_ONLY)).rejects.toBeInstanceOf(NonPublicTargetError);
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
  const webhookId = '6f1c1f8e-7d1f-4b7e-9a57-3f6f4c1d2a10';
  const seal = (key: Buffer | undefined, text: string, id = webhookId) => webhookSecretBox(key).seal(Buffer.from(text, 'utf8'), id);
  const open = (key: Buffer | undefined, sealed: string, id = webhookId) => webhookSecretBox(key).open(sealed, id).toString('utf8');

  it('encrypts with a key and reads back what it sealed', () => {
    const box = webhookSecretBox(Buffer.alloc(32, 1));
    expect(box.encrypts).toBe(true);
    const sealed = seal(Buffer.alloc(32, 1), secret);
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain(secret);
    expect(open(Buffer.alloc(32, 1), sealed)).toBe(secret);
    expect(() => open(Buffer.alloc(32, 2), sealed)).toThrow();
  });

  it("binds the secret to its endpoint: copied to another endpoint's row, it does not open", () => {
    const sealed = seal(Buffer.alloc(32, 1), secret);
    expect(() => open(Buffer.alloc(32, 1), sealed, '0d7c7a52-2b55-4a4e-8f0c-7c1f5b0e9d33')).toThrow();
  });

  it('stores as is without a key, and a key set later still reads those', () => {
    expect(webhookSecretBox(undefined).encrypts).toBe(false);
    const sealed = seal(undefined, secret);
    expect(sealed).toBe(`plain.${secret}`);
    expect(open(Buffer.alloc(32, 1), sealed)).toBe(secret);
  });

  it('still opens a secret sealed by the webhook secret box before it (v1.<iv>.<tag>.<ciphertext>, no key id)', () => {
    // Sealed with WEBHOOK_SECRET_KEY = 32 bytes of 1 by the former WebhookSecretBox, as stored in webhook_endpoints.
    const sealedBefore = 'v1.ALq_qcG5uVURhrIx.sszxAhWLrSdtzxkIfUJ-hA.VYtcW11udTRhLNDXrZPQv0gpi-zSh2gvN6u3S-ImAgPZrSV1HlrtuAMDQB4jhPJk3UJFtPDqtRqrPSnz';
    expect(open(Buffer.alloc(32, 1), sealedBefore)).toBe('whsec_sealed-by-the-webhook-secret-box-before-it-was-unified');
    expect(open(Buffer.alloc(32, 1), sealedBefore, 'any-other-endpoint')).toBe('whsec_sealed-by-the-webhook-secret-box-before-it-was-unified');
    expect(() => open(Buffer.alloc(32, 2), sealedBefore)).toThrow();
    expect(() => open(undefined, sealedBefore)).toThrow(/no key is configured/);
  });
});

describe('webhook payloads', () => {
  it("sends push_unlocked for the registry's PushLockLifted: the lift's time, key and lock", () => {
    const envelope = {
      id: 'e2',
      type: 'PushLockLifted',
      version: 1,
      occurredAt: '2026-12-05T09:00:00.000Z',
      workspaceId: 'ws1',
      streamId: 'user-ws1/alice',
      correlationId: 'c1',
      data: { userId: 'alice', liftedBy: 'k1', reason: 'number_mismatch', lockedUntil: '2026-12-05T09:10:00.000Z', challengeId: 'ch1' },
    } as unknown as ContractEnvelope;
    expect(isWebhookSource(envelope)).toBe(true);
    expect(webhookPayloadOf(envelope as WebhookSourceEnvelope)).toEqual({
      id: 'e2',
      type: 'push_unlocked',
      workspaceId: 'ws1',
      occurredAt: '2026-12-05T09:00:00.000Z',
      data: {
        userId: 'alice',
        unlockedAt: '2026-12-05T09:00:00.000Z',
        unlockedBy: { keyId: 'k1' },
        challengeId: 'ch1',
        previousReason: 'number_mismatch',
        previousLockedUntil: '2026-12-05T09:10:00.000Z',
      },
    });
  });

  it('sends push_unlocked for a PushUnlocked already on the challenge topic, absent fields as null', () => {
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
