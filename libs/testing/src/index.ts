export * from './infrastructure';
export * from './infrastructure-endpoints';
export * from './infrastructure-checks';
export * from './kafka-credentials';
export * from './kafka-request-counter';
export * from './test-namespace';
export { ensureTopics } from './test-topics';
export type { EnsureTopicsResult } from '@pushmfa/messaging';
export { declaredAcls, KAFKA_SERVICES, SERVICE_TOPIC_ACCESS, servicePrincipal } from '@pushmfa/messaging';
export * from './service-process';
export * from './tcp-fault-proxy';
export * from './json-http';
export * from './throwaway/throwaway-postgres';
export * from './throwaway/throwaway-redis';
export * from './throwaway/throwaway-kafka';
// The fault run (libs/testing/src/fault-run) is imported by path: it loads the push emulators, which most tests do not need.
export { watchConnections } from './pg-connection-watch';
export { preparedStatementPlans } from './prepared-statement-plans';
