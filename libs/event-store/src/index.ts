export * from './event-store.port';
export { isUnavailableError } from './postgres/postgres-error-mapping';
export { PostgresEventStore } from './postgres/postgres-event-store';
export type { PostgresEventStoreOptions, PostgresEventStoreTransaction } from './postgres/postgres-event-store';
export * from './decider';
export * from './stored-events';
export { KurrentDBEventStore } from './kurrentdb/kurrentdb-event-store';
export type { KurrentDBEventStoreOptions } from './kurrentdb/kurrentdb-event-store';
