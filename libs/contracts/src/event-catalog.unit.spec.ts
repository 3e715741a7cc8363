import { randomUUID } from 'node:crypto';
import { buildEnvelope, ContractViolationError, contractTopicOf, parseRecordValue } from './event-catalog';
import { declaredTopics } from './topics';

const issued = {
  id: randomUUID(),
  type: 'ChallengeIssued' as const,
  occurredAt: '2026-11-22T10:00:00.000Z',
  workspaceId: 'ws1',
  streamId: 'challenge-c1',
  streamPosition: 0,
  correlationId: 'corr-1',
  data: {
    challengeId: 'c1',
    userId: 'alice',
    createdAt: '2026-11-22T10:00:00.000Z',
    expiresAt: '2026-11-22T10:01:00.000Z',
    numberMatchRequired: true,
    context: { application: 'Payroll' },
    devices: [{ deviceId: 'd1', pushProvider: 'fcm' as const, platform: 'android' as const }],
  },
};

describe('event catalog', () => {
  it('builds a versioned envelope and parses it back', () => {
    const envelope = buildEnvelope(issued);
    expect(envelope.version).toBe(1);
    const parsed = parseRecordValue(Buffer.from(JSON.stringify(envelope)));
    expect(parsed).toEqual({ kind: 'event', envelope });
  });

  it('drops fields the schema does not know, so a number to match cannot ride along', () => {
    const leaky = { ...issued, data: { ...issued.data, numberMatch: '47' } };
    expect(JSON.stringify(buildEnvelope(leaky))).not.toContain('"numberMatch"');
    expect(buildEnvelope(leaky).data).not.toHaveProperty('numberMatch');
  });

  it('refuses to produce data that breaks its schema, naming the field', () => {
    const bad = { ...issued, data: { ...issued.data, userId: '' } };
    expect(() => buildEnvelope(bad)).toThrow(ContractViolationError);
    try {
      buildEnvelope(bad);
    } catch (error) {
      expect((error as ContractViolationError).issues[0]?.path).toBe('userId');
    }
  });

  it('refuses to build an envelope of a type the contract does not know, as a contract violation', () => {
    expect(() => buildEnvelope({ ...issued, type: 'NoSuchEvent' } as never)).toThrow(new ContractViolationError('no schema for NoSuchEvent'));
    expect(() => buildEnvelope({ ...issued, type: 'NoSuchEvent', version: 1 } as never)).toThrow(new ContractViolationError('no schema for NoSuchEvent v1'));
    expect(() => buildEnvelope({ ...issued, type: 'toString' } as never)).toThrow(ContractViolationError);
  });

  it('classifies records: not JSON, bad envelope, bad data, unknown type', () => {
    expect(parseRecordValue(Buffer.from('{not json'))).toMatchObject({ kind: 'invalid', reason: 'record value is not JSON' });
    expect(parseRecordValue(null)).toMatchObject({ kind: 'invalid' });
    expect(parseRecordValue(JSON.stringify({ ...issued, version: 1, id: 'not-a-uuid' }))).toMatchObject({ kind: 'invalid', reason: 'envelope is invalid' });
    expect(parseRecordValue(JSON.stringify({ ...issued, version: 1, data: { challengeId: 'c1' } }))).toMatchObject({ kind: 'invalid' });
    expect(parseRecordValue(JSON.stringify({ ...issued, version: 7 }))).toMatchObject({ kind: 'invalid', reason: 'no schema for ChallengeIssued v7' });
    expect(parseRecordValue(JSON.stringify({ ...issued, version: 1, type: 'SomethingNew' }))).toMatchObject({ kind: 'unknown_type' });
  });

  it('routes each event type to its contract topic and declares the challenge topic with 12 partitions', () => {
    expect(contractTopicOf('ChallengeIssued')).toBe('pushmfa.challenge.v1');
    expect(contractTopicOf('DevicePaired')).toBe('pushmfa.registry.v1');
    expect(contractTopicOf('PushDispatched')).toBe('pushmfa.delivery.v1');
    expect(declaredTopics().find((t) => t.name === 'pushmfa.challenge.v1')?.partitions).toBe(12);
    expect(declaredTopics('t1.').map((t) => t.name)).toContain('t1.pushmfa.delivery.v1.dlq');
  });
});
