export * from './infrastructure';
export * from './infrastructure-endpoints';
export * from './infrastructure-checks';
export * from './test-namespace';
export { ensureTopics } from '../../../tools/create-topics';
export type { EnsureTopicsResult } from '../../../tools/create-topics';
export * from './service-process';
export * from './tcp-fault-proxy';
export * from './json-http';
