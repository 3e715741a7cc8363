import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { buildEnvelope, type ContractEnvelope, type EventData, type EventType } from '@pushmfa/contracts';
import { createTestNamespace, type TestNamespace } from '@pushmfa/testing';
import { migrateDeliverySchema } from '../database/delivery-schema.migration';
import { DeviceDirectory } from './device-directory';
import { applyDeviceEvent } from './device-projection';
import { PgInbox } from '@pushmfa/postgres';

jest.setTimeout(60_000);

const SCHEMA = 'delivery';
const workspaceId = 'ws-1';
const userId = 'alice';
let ns: TestNamespace;
let pool: Pool;
let inbox: PgInbox;
let directory: DeviceDirectory;

function envelope<T extends EventType>(type: T, data: EventData<T>): ContractEnvelope<T> {
  return buildEnvelope<T>({
    id: randomUUID(),
    type,
    occurredAt: new Date().toISOString(),
    workspaceId,
    streamId: `user-${userId}`,
    correlationId: 'corr',
    data,
  });
}

async function apply(event: ContractEnvelope): Promise<boolean> {
  return inbox.handleOnce('test', event.id, (client) => applyDeviceEvent(client, SCHEMA, event));
}

const system = { kind: 'system' as const };
const paired = (deviceId: string, pushToken: string) =>
  envelope('DevicePaired', {
    pairingId: `p-${deviceId}`,
    deviceId,
    userId,
    name: 'Phone',
    platform: 'ios',
    pushProvider: 'apns',
    pushToken,
    publicJwk: { kty: 'OKP', crv: 'Ed25519', x: 'AAAA' },
    pairedAt: new Date().toISOString(),
  });

beforeAll(async () => {
  ns = await createTestNamespace('delivery-devices');
  pool = new Pool({ connectionString: ns.databaseUrl, max: 4 });
  // Two instances starting at once must both succeed.
  await Promise.all([migrateDeliverySchema(pool, SCHEMA), migrateDeliverySchema(pool, SCHEMA)]);
  inbox = new PgInbox(pool, SCHEMA);
  directory = new DeviceDirectory(pool, SCHEMA);
});

afterAll(async () => {
  await pool?.end();
  await ns?.dispose();
});

describe('device projection (real PostgreSQL)', () => {
  it('knows a paired device with its provider and token, once per event', async () => {
    const event = paired('d-1', 'token-1');
    expect(await apply(event)).toBe(true);
    expect(await apply(event)).toBe(false);
    expect(await directory.find(workspaceId, 'd-1')).toMatchObject({ pushProvider: 'apns', pushToken: 'token-1', tokenValid: true, revoked: false });
    expect(await directory.find('another-workspace', 'd-1')).toBeNull();
  });

  it('marks an invalidated token dead until a rotation brings a valid one', async () => {
    await apply(envelope('PushTokenInvalidated', { deviceId: 'd-1', userId, reason: 'Unregistered' }));
    expect(await directory.find(workspaceId, 'd-1')).toMatchObject({ tokenValid: false });
    await apply(envelope('PushTokenRotated', { deviceId: 'd-1', userId, pushToken: 'token-2' }));
    expect(await directory.find(workspaceId, 'd-1')).toMatchObject({ tokenValid: true, pushToken: 'token-2' });
  });

  it('revokes one device, and every device of the user on an MFA reset', async () => {
    await apply(paired('d-2', 'token-3'));
    await apply(paired('d-3', 'token-4'));
    await apply(envelope('DeviceRevoked', { deviceId: 'd-2', userId, reason: 'revoked', revokedBy: system }));
    expect(await directory.find(workspaceId, 'd-2')).toMatchObject({ revoked: true });
    expect(await directory.find(workspaceId, 'd-3')).toMatchObject({ revoked: false });
    await apply(envelope('UserMfaReset', { userId, revokedDeviceIds: ['d-1', 'd-3'], resetBy: system }));
    expect(await directory.find(workspaceId, 'd-1')).toMatchObject({ revoked: true });
    expect(await directory.find(workspaceId, 'd-3')).toMatchObject({ revoked: true });
  });
});
