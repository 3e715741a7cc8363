import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ContractEnvelope } from '@pushmfa/contracts';
import { ServiceConnections } from '@pushmfa/messaging';
import { challengeEvents } from './mfa-report/mfa-report.test-events';
import { rebuildMfaReport } from './rebuilding/mfa-report.rebuild';
import { type HttpAnswer, ReportingTestApp } from './reporting.test-app';

const CHALLENGES = 30;

describe('MFA Report rebuild', () => {
  let service: ReportingTestApp;
  let rebuilder: ServiceConnections;
  const workspaceId = `ws-rebuild-${randomUUID()}`;
  let admin: string;

  const newChallenge = () => {
    const challengeId = randomUUID();
    return { challengeId, events: challengeEvents({ workspaceId, challengeId, userId: 'frank' }) };
  };

  /** Every status path, some events twice, some delivery events before the ChallengeIssued they follow. */
  function history(index: number): ContractEnvelope[] {
    const { events: e } = newChallenge();
    const at = index * 100;
    const issued = e.issued(['d1', 'd2'], at);
    switch (index % 6) {
      case 0:
        return [issued, e.dispatched('d1', at + 1), e.approved('d1', at + 3), e.approved('d1', at + 3)];
      case 1:
        return [e.dispatched('d1', at + 1), issued, e.denied('d1', at + 4)];
      case 2:
        return [issued, e.attemptFailed('d1', at + 1), e.dispatched('d2', at + 2), e.expired(at + 60)];
      case 3:
        return [issued, e.pushFailed('d1', at + 1), e.rejected('d2', at + 1)];
      case 4:
        return [issued, e.cancelled(at + 2)];
      default: {
        const received = e.received('d2', at + 2);
        return [issued, e.dispatched('d2', at + 1), received, received, e.approved('d2', at + 5), e.fraudReported('d2', at + 6)];
      }
    }
  }

  const readModel = async (): Promise<unknown[]> => {
    const { rows } = await rebuilder.pool.query(
      `select to_jsonb(r) - 'updated_at' as row from reporting.mfa_reports_current r where workspace_id = $1 order by challenge_id`,
      [workspaceId],
    );
    return rows.map((row: { row: unknown }) => row.row);
  };

  const listed = (count: number) =>
    service.eventually(
      () => service.get('/v1/reports/mfa?limit=200', admin),
      (answer) => answer.status === 200 && answer.body.items.length === count,
      `${count} rows in the report`,
    );

  beforeAll(async () => {
    service = await ReportingTestApp.start('reportrebuild');
    admin = await service.issueApiKey(workspaceId, 'admin');
    rebuilder = new ServiceConnections({
      serviceName: 'reporting-rebuild-test',
      databaseUrl: service.namespace.databaseUrl,
      schema: 'reporting',
      brokers: service.namespace.kafkaBrokers,
      // The rebuild runs as the reporting service's Kafka user: its own groups only, which it may delete.
      kafka: service.namespace.kafkaSecurity('reporting'),
      topicPrefix: service.namespace.topicPrefix,
      poolSize: 4,
    });
  });

  afterAll(async () => {
    await rebuilder?.close();
    await service?.stop();
  });

  it('ends with identical rows, answers throughout, and the live projection then writes to the new table', async () => {
    const histories = Array.from({ length: CHALLENGES }, (_, index) => history(index));
    for (const events of histories) await service.publish(...events);
    await listed(CHALLENGES);
    // Wait until the last events of every path have been applied, not only the rows created.
    const appliedEvents = async () => JSON.stringify(await readModel()).split('"eventId"').length - 1;
    await service.eventually(appliedEvents, (count) => count === uniqueEvents(histories), 'every event applied');
    const before = await readModel();

    const answers: HttpAnswer[] = [];
    let rebuilding = true;
    const polling = (async () => {
      while (rebuilding) {
        answers.push(await service.get('/v1/reports/mfa?limit=200', admin));
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();
    const rebuild = rebuildMfaReport({
      pool: rebuilder.pool,
      kafka: rebuilder.kafka,
      schema: 'reporting',
      topicPrefix: service.namespace.topicPrefix,
      log: () => undefined,
    });
    // Published while the rebuild runs, before and after the replay's end: every one must survive the switch.
    const during: string[] = [];
    const publishing = (async () => {
      do {
        const challenge = newChallenge();
        during.push(challenge.challengeId);
        await service.publish(challenge.events.issued(['d1'], 9000 + during.length), challenge.events.dispatched('d1', 9000 + during.length));
        await new Promise((resolve) => setTimeout(resolve, 20));
      } while (rebuilding);
    })();
    const result = await rebuild.finally(() => (rebuilding = false));
    await Promise.all([polling, publishing]);

    expect(result).toMatchObject({ table: 'mfa_reports_v2', retiredTable: 'mfa_reports' });
    // The new table started empty: its rows come from the replay of every record, duplicates included.
    expect(result.events).toBeGreaterThanOrEqual(histories.flat().length);
    expect(answers.length).toBeGreaterThan(0);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body.items.length).toBeGreaterThanOrEqual(CHALLENGES);
    }

    const rowCount = async () => (await readModel()).length;
    await service.eventually(rowCount, (count) => count === CHALLENGES + during.length, 'the challenges published during the rebuild');
    const afterRows = await readModel();
    expect(afterRows.filter((row) => !during.includes((row as { challenge_id: string }).challenge_id))).toEqual(before);
    for (const challengeId of during) {
      const { body } = await service.eventually(
        () => service.get(`/v1/reports/mfa/${challengeId}`, admin),
        (answer) => answer.status === 200 && answer.body.status === 'delivered',
        `challenge ${challengeId}, published during the rebuild, delivered`,
      );
      expect(body.timeline.map((item: { type: string }) => item.type)).toEqual(['ChallengeIssued', 'PushDispatched']);
    }

    // After the switch the live projection writes to the new table only; the old one is gone.
    const after = newChallenge();
    await service.publish(after.events.issued(['d1'], 9100), after.events.approved('d1', 9102));
    await service.eventually(
      () => service.get(`/v1/reports/mfa/${after.challengeId}`, admin),
      (answer) => answer.status === 200 && answer.body.status === 'success',
      'a challenge published after the rebuild',
    );
    const { rows: inNewTable } = await rebuilder.pool.query(`select status from reporting.mfa_reports_v2 where challenge_id = $1`, [after.challengeId]);
    expect(inNewTable).toEqual([{ status: 'success' }]);
    const { rows: oldTable } = await rebuilder.pool.query(`select to_regclass('reporting.mfa_reports') as old`);
    expect(oldTable).toEqual([{ old: null }]);
  }, 120_000);

  it('refuses a second rebuild while one runs, and a later rebuild moves on to the next version', async () => {
    const rebuild = () =>
      rebuildMfaReport({ pool: rebuilder.pool, kafka: rebuilder.kafka, schema: 'reporting', topicPrefix: service.namespace.topicPrefix, log: () => undefined });
    const before = await readModel();
    const [first, second] = await Promise.allSettled([rebuild(), rebuild()]);
    const outcomes = [first, second].map((outcome) => outcome.status);
    expect(outcomes.sort()).toEqual(['fulfilled', 'rejected']);
    const refused = [first, second].find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
    expect(String(refused.reason)).toMatch(/another MFA Report rebuild is running/);
    const done = [first, second].find((outcome) => outcome.status === 'fulfilled') as PromiseFulfilledResult<{ table: string }>;
    expect(done.value.table).toBe('mfa_reports_v3');
    expect(await readModel()).toEqual(before);
  }, 120_000);
});

function uniqueEvents(histories: ContractEnvelope[][]): number {
  return new Set(histories.flat().map((event) => event.id)).size;
}
