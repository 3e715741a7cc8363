export * from './topics';
export * from './envelope';
export * from './shared-schemas';
export * from './registry-events';
export * from './challenge-events';
export * from './delivery-events';
export * from './event-catalog';
export * from './device-health';
