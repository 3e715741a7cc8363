import { INCIDENT_ID_PATTERN, normalizeIncidentId } from '@pushmfa/contracts';
import { newIncidentId } from './incident-id';
import { pushTokenSha256, redactLogLines } from './log-redactor';

const FCM_TOKEN = 'dQw4w9WgXcQ:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx2h9Xl4pF3e7nXo8kQ2a1b2c3';
const APNS_TOKEN = '740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad';

describe('redactLogLines', () => {
  it("keeps only the last 6 characters of the device's own push token, wherever it stands in the line", () => {
    const [line, glued] = redactLogLines([`registered for push with token ${FCM_TOKEN} ok`, `token=${FCM_TOKEN}`], {
      pushTokenSha256: pushTokenSha256(FCM_TOKEN),
    });
    expect(line).toBe(`registered for push with token [push token …${FCM_TOKEN.slice(-6)}] ok`);
    expect(glued).toBe(`token=[push token …${FCM_TOKEN.slice(-6)}]`);
    expect(line).not.toContain(FCM_TOKEN.slice(0, -6));
  });

  it('removes an APNs-shaped token or any long hex run even when the device token is unknown', () => {
    const [line] = redactLogLines([`apns token ${APNS_TOKEN}`]);
    expect(line).toBe('apns token [redacted]');
    const [own] = redactLogLines([`apns token ${APNS_TOKEN}`], { pushTokenSha256: pushTokenSha256(APNS_TOKEN) });
    expect(own).toBe('apns token [push token …bb78ad]');
  });

  it("redacts this product's API keys and webhook secrets, keeping only their kind", () => {
    const key = `pmk_adm_${'Ab3_-x'.repeat(7)}`;
    const [line] = redactLogLines([`calling with ${key} and whsec_abcdef0123456789`]);
    expect(line).toBe('calling with pmk_adm_[redacted] and whsec_[redacted]');
  });

  it('redacts bearer credentials, JWTs and values named like secrets', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWJ5dGVz';
    const lines = redactLogLines([
      'Authorization: Bearer abc.def-ghi',
      `id_token ${jwt} received`,
      'password=hunter2 user=alice',
      '{"apiKey": "s3cr3t", "ok": true}',
    ]);
    expect(lines).toEqual([
      'Authorization: Bearer [redacted]',
      'id_token [redacted JWT] received',
      'password=[redacted] user=alice',
      '{"apiKey": "[redacted]", "ok": true}',
    ]);
  });

  it('redacts PEM blocks within a line and across lines, and keeps the line count', () => {
    const lines = redactLogLines([
      'key: -----BEGIN PRIVATE KEY-----MIIEvQIBADANBgkqhkiG9w0BAQEFAASC-----END PRIVATE KEY----- loaded',
      '-----BEGIN EC PRIVATE KEY-----',
      'MHcCAQEEIBkg4LVWM9nuwNSk3yhMzYFkzs',
      '-----END EC PRIVATE KEY-----',
      'after',
    ]);
    expect(lines).toEqual(['key: [redacted PEM block] loaded', '[redacted PEM block]', '[redacted PEM block]', '[redacted PEM block]', 'after']);
  });

  it('replaces control and bidi-override characters, keeping tabs', () => {
    expect(redactLogLines(['a\u0000b\tc\u202ed\u001be'])).toEqual(['a\ufffdb\tc\ufffdd\ufffde']);
  });

  it('removes long base64 runs but keeps ordinary words, paths, ids and times', () => {
    const lines = redactLogLines([
      'secret blob c2VjcmV0LWJ5dGVzLXRoYXQtYXJlLWxvbmctZW5vdWdoLXRvLXJlZGFjdA==',
      'ChallengeViewController/didReceiveRemoteNotification handled',
      '2026-12-05T12:00:00.000Z challenge 0b8e8a64-3f6e-4a55-9a1f-7f3f2c1b4e21 received',
    ]);
    expect(lines[0]).toBe('secret blob [redacted]');
    expect(lines[1]).toBe('ChallengeViewController/didReceiveRemoteNotification handled');
    expect(lines[2]).toBe('2026-12-05T12:00:00.000Z challenge 0b8e8a64-3f6e-4a55-9a1f-7f3f2c1b4e21 received');
  });
});

describe('incident ids', () => {
  it('are INC-XXXX-XXXX in Crockford base32, random', () => {
    const ids = new Set(Array.from({ length: 200 }, () => newIncidentId()));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(INCIDENT_ID_PATTERN);
    expect(newIncidentId(() => Buffer.alloc(5, 0xff))).toBe('INC-ZZZZ-ZZZZ');
    expect(newIncidentId(() => Buffer.alloc(5, 0))).toBe('INC-0000-0000');
  });

  it('are read as a person types them', () => {
    expect(normalizeIncidentId('inc-ab1o-7lk2')).toBe('INC-AB10-71K2');
    expect(normalizeIncidentId('AB10 71K2')).toBe('INC-AB10-71K2');
    expect(normalizeIncidentId('INC-ABCU-0000')).toBeNull();
    expect(normalizeIncidentId('INC-ABC')).toBeNull();
  });
});
