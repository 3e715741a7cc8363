export * from './service-env';
export * from './kafka-security';
