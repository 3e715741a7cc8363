export * from './service-env';
export * from './kafka-security';
export * from './keyed-secret-box';
