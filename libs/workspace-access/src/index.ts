export * from './api-key-hash';
export * from './api-key-directory';
export * from './api-key.guard';
export * from './operator.guard';
