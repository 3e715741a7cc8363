export * from './fault-http';
export * from './fault-stack';
export * from './fault-workspace';
export * from './fault-load';
export * from './fault-scenarios';
