/**
 * The challenge service's injection tokens for what is not a class of its own: configuration and the connections it
 * holds. Its own classes (views, read models, command runners, handlers) are injected by class.
 */
export const CHALLENGE_CONFIG = Symbol('CHALLENGE_CONFIG');
/** The challenge service's PostgreSQL pool (its schema). */
export const CHALLENGE_DATABASE = Symbol('CHALLENGE_DATABASE');
export const CHALLENGE_KAFKA = Symbol('CHALLENGE_KAFKA');
/** Redis for commands: nonces, and the wake-ups a decision publishes. */
export const CHALLENGE_REDIS = Symbol('CHALLENGE_REDIS');
/** A second Redis connection that only holds the long-polls' pattern subscription (a subscribed connection runs no other command). */
export const CHALLENGE_REDIS_SUBSCRIBER = Symbol('CHALLENGE_REDIS_SUBSCRIBER');
/** Shows the registry view has applied the registry topic up to its end before a key, a device or a setting is trusted. */
export const REGISTRY_FRESHNESS = Symbol('REGISTRY_FRESHNESS');

export const CHALLENGE_SCHEMA = 'challenge';
