import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { closedLoopbackPort } from '../closed-loopback-port';
import { describeEventStoreContract, eventsOf, uniqueStreamId } from '../event-store.contract';
import { EventStoreUnavailableError, type EventStore } from '../event-store.port';
import { KurrentDBEventStore } from './kurrentdb-event-store';

const connectionString = process.env.KURRENTDB_CONNECTION_STRING;
const HOW_TO_RUN =
  'KurrentDB contract suite not run: no server here. Start one (e.g. docker run -p 2113:2113 ' +
  'docker.kurrent.io/kurrent-latest/kurrentdb --insecure) and run ' +
  "KURRENTDB_CONNECTION_STRING='kurrentdb://127.0.0.1:2113?tls=false' npx jest libs/event-store/src/kurrentdb --selectProjects int";

function unreachableStore(port: number): KurrentDBEventStore {
  return new KurrentDBEventStore({
    connectionString: `kurrentdb://127.0.0.1:${port}?tls=false&maxDiscoverAttempts=1&discoveryInterval=10&defaultDeadline=2000`,
  });
}

if (connectionString) {
  // A namespace per run keeps this file's streams apart from everything else on a shared server.
  const namespace = `contract-${randomBytes(4).toString('hex')}`;
  describeEventStoreContract('KurrentDB', async () => {
    const store = new KurrentDBEventStore({ connectionString, namespace });
    await store.migrate();
    const deadPort = await closedLoopbackPort();
    return {
      store,
      createUnreachableStore: () => unreachableStore(deadPort),
      dispose: () => store.close(),
    };
  });
} else {
  describe('KurrentDB adapter without a server', () => {
    it('loads, constructs, and reports an unreachable server as unavailable', async () => {
      console.info(HOW_TO_RUN);
      const store: EventStore = unreachableStore(await closedLoopbackPort());
      try {
        expect(store).toBeInstanceOf(KurrentDBEventStore);
        await expect(store.appendToStream(uniqueStreamId('down'), eventsOf(1), 'no_stream')).rejects.toBeInstanceOf(EventStoreUnavailableError);
        await expect(store.readStream(uniqueStreamId('down'))).rejects.toBeInstanceOf(EventStoreUnavailableError);
        await expect(store.readAll({ major: -1n, minor: -1n })).rejects.toBeInstanceOf(EventStoreUnavailableError);
        await expect(store.readCheckpoint('relay')).rejects.toBeInstanceOf(EventStoreUnavailableError);
        await expect(store.ping()).resolves.toBe(false);
      } finally {
        await store.close();
      }
    });
  });
}
