import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ChallengeInstance, ChallengeTestWorld, type TestWorkspace } from '../../challenge.test-app';

/**
 * Free text the platform sends ends up on a phone's screen: control characters (NUL included, which PostgreSQL cannot
 * store in JSON) and bidi overrides (which make text read otherwise than it is) are refused, naming the field, and
 * nothing is written.
 */
describe('issuing: free text refuses control and bidi override characters', () => {
  let world: ChallengeTestWorld;
  let service: ChallengeInstance;
  let ws: TestWorkspace;
  let userId: string;

  beforeAll(async () => {
    world = await ChallengeTestWorld.create('freetext');
    service = await world.start();
    ws = await world.workspace(service);
    userId = `nia-${randomUUID()}`;
    await world.pairDevice(ws, userId);
  });

  afterAll(async () => {
    await world?.dispose();
  });

  const issue = (body: Record<string, unknown>) => service.call('POST', '/v1/challenges', { key: ws.platformKey, body });

  it.each([
    ['NUL', '\u0000'],
    ['a C0 control (escape)', '\u001b[2J'],
    ['DEL', '\u007f'],
    ['a C1 control', '\u0085'],
    ['a right-to-left override', '\u202e'],
    ['a left-to-right embedding', '\u202a'],
    ['a first-strong isolate', '\u2068'],
    ['a pop directional isolate', '\u2069'],
  ])('refuses %s in context.application, context.location, context.userAgent and context.ipAddress', async (_what, character) => {
    for (const field of ['application', 'location', 'userAgent', 'ipAddress']) {
      const answer = await issue({ userId, context: { [field]: `Payroll${character}lanigiro` } });
      expect(answer).toMatchObject({ status: 400, body: { code: 'validation_failed', errors: [expect.objectContaining({ field: `context.${field}` })] } });
    }
  });

  it('refuses a bidi override in userId, naming it', async () => {
    const answer = await issue({ userId: `admin\u202e${userId}` });
    expect(answer).toMatchObject({ status: 400, body: { code: 'validation_failed', errors: [expect.objectContaining({ field: 'userId' })] } });
  });

  it('still accepts ordinary text in every script, and wrote nothing for the refused ones', async () => {
    const answer = await issue({ userId, context: { application: 'Gehaltsabrechnung – Zürich', location: 'القاهرة، مصر', userAgent: 'Safari 18 🧭' } });
    expect(answer.status).toBe(201);
    const { rows } = await world.db.query<{ n: string }>(`select count(*) as n from challenge.events where type = 'ChallengeIssued' and data->>'userId' = $1`, [
      userId,
    ]);
    expect(Number(rows[0]!.n)).toBe(1);
  });
});
