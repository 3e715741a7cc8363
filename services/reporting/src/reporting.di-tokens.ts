/**
 * The reporting service's injection tokens for what is not a class of its own: configuration, the connections it
 * holds and the parts built on them that a class token would not name. Its own classes (projections, queries,
 * handlers, the webhook sender) are injected by class.
 */
export const REPORTING_CONFIG = Symbol('REPORTING_CONFIG');
/** Reporting's PostgreSQL pool (its schema). */
export const REPORTING_DATABASE = Symbol('REPORTING_DATABASE');
export const REPORTING_KAFKA = Symbol('REPORTING_KAFKA');
/** Shows the API-key directory is current before a key is trusted; 503 when it cannot. */
export const REGISTRY_FRESHNESS = Symbol('REGISTRY_FRESHNESS');
/** The consumer groups of `createReportingConsumers` (ContractConsumer[]), started and stopped by the lifecycle. */
export const REPORTING_CONSUMERS = Symbol('REPORTING_CONSUMERS');
/** Seals and opens webhook endpoint secrets (a KeyedSecretBox: encrypted when WEBHOOK_SECRET_KEY is set). */
export const WEBHOOK_SECRET_BOX = Symbol('WEBHOOK_SECRET_BOX');
/** The target policy (WebhookTargetPolicy), which decides the URLs an endpoint may have (webhook-url.ts). */
export const WEBHOOK_TARGET_POLICY = Symbol('WEBHOOK_TARGET_POLICY');

export const REPORTING_SCHEMA = 'reporting';
