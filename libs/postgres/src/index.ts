export * from './database-unavailable';
export { guardPoolConnections } from './pool-connection-guard';
export type { ConnectionErrorListener } from './pool-connection-guard';
export * from './service-pool';
export * from './pg-inbox';
export * from './pg-schema-migration';
export * from './pg-transaction';
export * from './tick-batch';
