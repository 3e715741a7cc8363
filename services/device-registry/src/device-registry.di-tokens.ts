/**
 * The registry's injection tokens for what is not a class of its own: configuration and the connections it holds.
 * Its own classes (directories, command runners, handlers) are injected by class.
 */
export const REGISTRY_CONFIG = Symbol('REGISTRY_CONFIG');
/** The registry's PostgreSQL pool (its schema). */
export const REGISTRY_DATABASE = Symbol('REGISTRY_DATABASE');
/** A small second pool that only holds per-user advisory locks, so a lock holder never waits for its own work's connection. */
export const REGISTRY_LOCK_DATABASE = Symbol('REGISTRY_LOCK_DATABASE');
export const REGISTRY_KAFKA = Symbol('REGISTRY_KAFKA');
export const REGISTRY_REDIS = Symbol('REGISTRY_REDIS');
/** Shows the push-lock view has applied the challenge topic up to its end before a lift decides on it. */
export const PUSH_LOCK_FRESHNESS = Symbol('PUSH_LOCK_FRESHNESS');

export const REGISTRY_SCHEMA = 'registry';
