import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ChallengeInstance, ChallengeTestWorld, type HttpAnswer, type TestWorkspace } from '../../challenge.test-app';

/**
 * A noisy neighbour: one workspace floods POST /v1/challenges far past the instance's issuing capacity while another
 * workspace signs its users in as usual. The flood is refused (503 unavailable with Retry-After, nothing written);
 * the other workspace's requests, within its fair share, are all issued.
 */
describe('admission to issuing is fair per workspace', () => {
  const MAX_ISSUING = 4;
  let world: ChallengeTestWorld;
  let service: ChallengeInstance;
  let noisy: TestWorkspace;
  let quiet: TestWorkspace;

  beforeAll(async () => {
    world = await ChallengeTestWorld.create('fairadmission');
    service = await world.start({ maxIssuing: MAX_ISSUING });
    [noisy, quiet] = await Promise.all([
      world.workspace(service, { maxChallengesPerUserPer10Min: 1000, numberMatching: 'off' }),
      world.workspace(service, { numberMatching: 'off' }),
    ]);
  }, 60_000);

  afterAll(async () => {
    await world?.dispose();
  });

  const issue = (workspace: TestWorkspace, userId: string) => service.call('POST', '/v1/challenges', { key: workspace.platformKey, body: { userId } });

  it("a workspace flooding the API gets 503s while another workspace's requests all succeed", async () => {
    const noisyUsers = await Promise.all(Array.from({ length: 4 }, (_, i) => world.pairDevice(noisy, `flooded-${i}-${randomUUID()}`)));
    const quietUsers = await Promise.all(Array.from({ length: 3 }, (_, i) => world.pairDevice(quiet, `signing-in-${i}-${randomUUID()}`)));

    // The flood: 40 requests in flight at any time, from the moment before the quiet workspace starts until it is done.
    let flooding = true;
    const floodAnswers: HttpAnswer[] = [];
    const floodWorker = async (worker: number) => {
      for (let i = 0; flooding; i++) floodAnswers.push(await issue(noisy, noisyUsers[(worker + i) % noisyUsers.length]!.userId));
    };
    const flood = Promise.all(Array.from({ length: 40 }, (_, worker) => floodWorker(worker)));
    await world.eventually(
      async () => floodAnswers.filter((a) => a.status === 503).length,
      (refused) => refused > 0,
      'the flood to be refused',
    );

    // Meanwhile the quiet workspace signs in its users, two at a time (its share of the four places), in waves.
    const quietAnswers: HttpAnswer[] = [];
    try {
      for (let wave = 0; wave < 6; wave++) {
        const pair = [quietUsers[wave % 3]!, quietUsers[(wave + 1) % 3]!];
        quietAnswers.push(...(await Promise.all(pair.map((user) => issue(quiet, user.userId)))));
      }
    } finally {
      flooding = false;
      await flood;
    }

    expect(quietAnswers.map((a) => a.status)).toEqual(Array.from({ length: 12 }, () => 201));
    const refused = floodAnswers.filter((a) => a.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]!.body.code).toBe('unavailable');
    expect(Number(refused[0]!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(floodAnswers.every((a) => a.status === 201 || a.status === 503)).toBe(true);
    // A refused request wrote nothing: every challenge stored for the noisy workspace was answered 201.
    const { rows } = await world.db.query<{ issued: string }>('select count(*) as issued from challenge.challenge_list where workspace_id = $1', [
      noisy.workspaceId,
    ]);
    expect(Number(rows[0]!.issued)).toBe(floodAnswers.filter((a) => a.status === 201).length);
  }, 120_000);
});
