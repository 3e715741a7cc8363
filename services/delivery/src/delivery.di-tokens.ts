/**
 * The delivery service's injection tokens for what is not a class of its own: configuration, the connections it
 * holds and the parts built on them that a class token would not name. Its own classes (the scheduler, the
 * dispatcher, the pending pushes and their recovery, the test-push sender, the lag sampler) are injected by class.
 */
export const DELIVERY_CONFIG = Symbol('DELIVERY_CONFIG');
/** Delivery's PostgreSQL pool (its schema, `DeliveryConfig.schema`). */
export const DELIVERY_DATABASE = Symbol('DELIVERY_DATABASE');
export const DELIVERY_KAFKA = Symbol('DELIVERY_KAFKA');
/** The push providers (PushProvidersByName) the caller built and passed to `DeliveryModule.forRoot`; closed on shutdown. */
export const PUSH_PROVIDERS = Symbol('PUSH_PROVIDERS');
/** One circuit breaker per configured push provider (CircuitBreakersByName), shared by challenge pushes and test pushes. */
export const CIRCUIT_BREAKERS = Symbol('CIRCUIT_BREAKERS');
/** Delivery's consumer groups (ContractConsumer[]: the registry topic, then the challenge topic), started and stopped by the lifecycle. */
export const DELIVERY_CONSUMERS = Symbol('DELIVERY_CONSUMERS');
