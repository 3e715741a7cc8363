import type { z } from 'zod';
import { challengeEventSchemas } from './challenge-events';
import { deliveryEventSchemas } from './delivery-events';
import { type Envelope, envelopeSchema } from './envelope';
import { registryEventSchemas } from './registry-events';
import { TOPICS, type TopicKey } from './topics';

/** Every event type of the contract, by the topic it travels on. */
export const EVENT_SCHEMAS = {
  ...registryEventSchemas,
  ...challengeEventSchemas,
  ...deliveryEventSchemas,
} as const;

type Catalog = typeof EVENT_SCHEMAS;
export type EventType = keyof Catalog;
type Latest<T extends EventType> = Catalog[T][keyof Catalog[T] & 1];
/** The data of an event type at its current version. */
export type EventData<T extends EventType> = z.infer<Latest<T>>;
/**
 * A contract envelope, discriminated on `type` over the whole catalogue: `switch (envelope.type)` narrows `data`.
 * A new event type in EVENT_SCHEMAS joins the union (and every exhaustive switch) with nothing else to write.
 */
export type ContractEnvelope<T extends EventType = EventType> = { [K in T]: Envelope<EventData<K>> & { type: K } }[T];

/** An event of the catalogue without its envelope (what a mapper produces), discriminated on `type` the same way. */
export type ContractEvent<T extends EventType = EventType> = { [K in T]: { type: K; data: EventData<K> } }[T];

export const REGISTRY_EVENT_TYPES = Object.keys(registryEventSchemas) as (keyof typeof registryEventSchemas)[];
export const CHALLENGE_EVENT_TYPES = Object.keys(challengeEventSchemas) as (keyof typeof challengeEventSchemas)[];
export const DELIVERY_EVENT_TYPES = Object.keys(deliveryEventSchemas) as (keyof typeof deliveryEventSchemas)[];

const TOPIC_OF_TYPE = new Map<string, TopicKey>([
  ...REGISTRY_EVENT_TYPES.map((t) => [t, 'registry'] as const),
  ...CHALLENGE_EVENT_TYPES.map((t) => [t, 'challenge'] as const),
  ...DELIVERY_EVENT_TYPES.map((t) => [t, 'delivery'] as const),
]);

export function isEventType(type: string): type is EventType {
  return TOPIC_OF_TYPE.has(type);
}

export function topicKeyOf(type: EventType): TopicKey {
  return TOPIC_OF_TYPE.get(type)!;
}

export function contractTopicOf(type: EventType): (typeof TOPICS)[TopicKey] {
  return TOPICS[topicKeyOf(type)];
}

/** Current (highest) version of an event type's schema. */
export function currentVersion(type: EventType): number {
  const versions = schemaVersionsOf(type);
  if (!versions) throw new ContractViolationError(`no schema for ${type}`);
  return Math.max(...Object.keys(versions).map(Number));
}

/** `type` may come from outside (a record, a caller's cast): an unknown one has no versions rather than a TypeError. */
function schemaVersionsOf(type: EventType): Record<number, z.ZodType> | undefined {
  return Object.hasOwn(EVENT_SCHEMAS, type) ? (EVENT_SCHEMAS[type] as Record<number, z.ZodType>) : undefined;
}

export class ContractViolationError extends Error {
  constructor(
    message: string,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'ContractViolationError';
  }
}

function schemaFor(type: EventType, version: number): z.ZodType | undefined {
  return schemaVersionsOf(type)?.[version];
}

function issuesOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}

/** Validates an event's data against its versioned schema; throws ContractViolationError. */
export function validateEventData<T extends EventType>(type: T, version: number, data: unknown): EventData<T> {
  const schema = schemaFor(type, version);
  if (!schema) throw new ContractViolationError(`no schema for ${type} v${version}`);
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new ContractViolationError(`${type} v${version} data is invalid`, issuesOf(parsed.error));
  return parsed.data as EventData<T>;
}

export type ParsedRecord =
  | { kind: 'event'; envelope: ContractEnvelope }
  /** A well-formed envelope of a type this build does not know: consumers skip it (forward compatibility). */
  | { kind: 'unknown_type'; envelope: Envelope }
  | { kind: 'invalid'; reason: string; issues: { path: string; message: string }[] };

type InvalidRecord = Extract<ParsedRecord, { kind: 'invalid' }>;

/** Parses and validates a Kafka record value; never throws. */
export function parseRecordValue(value: Buffer | string | null | undefined): ParsedRecord {
  const read = readRecordJson(value);
  return read.kind === 'invalid' ? read : parseRecordJson(read.json);
}

/** The record value as JSON, not yet validated (a consumer may look at its `type` first); never throws. */
export function readRecordJson(value: Buffer | string | null | undefined): { kind: 'json'; json: unknown } | InvalidRecord {
  if (value == null) return { kind: 'invalid', reason: 'empty record value', issues: [] };
  try {
    return { kind: 'json', json: JSON.parse(typeof value === 'string' ? value : value.toString('utf8')) };
  } catch {
    return { kind: 'invalid', reason: 'record value is not JSON', issues: [] };
  }
}

/** Validates a record value already read as JSON against the envelope and its event's schema; never throws. */
export function parseRecordJson(json: unknown): ParsedRecord {
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) return { kind: 'invalid', reason: 'envelope is invalid', issues: issuesOf(envelope.error) };
  const { type, version } = envelope.data;
  if (!isEventType(type)) return { kind: 'unknown_type', envelope: envelope.data };
  try {
    const data = validateEventData(type, version, envelope.data.data);
    return { kind: 'event', envelope: { ...envelope.data, type, data } as ContractEnvelope };
  } catch (error) {
    const violation = error as ContractViolationError;
    return { kind: 'invalid', reason: violation.message, issues: violation.issues ?? [] };
  }
}

/** What a producer gives `buildEnvelope`: the envelope of one event type, its version defaulting to the current one. */
export type EnvelopeInput<T extends EventType> = Omit<Envelope<EventData<T>>, 'type' | 'version'> & { type: T; version?: number };

/** Builds a validated envelope for producing; throws ContractViolationError on bad data. */
export function buildEnvelope<T extends EventType>(input: EnvelopeInput<T>): ContractEnvelope<T> {
  const version = input.version ?? currentVersion(input.type);
  const data = validateEventData(input.type, version, input.data);
  const envelope = { ...input, version, data };
  const checked = envelopeSchema.safeParse(envelope);
  if (!checked.success) throw new ContractViolationError('envelope is invalid', issuesOf(checked.error));
  return envelope as ContractEnvelope<T>;
}

/** Narrowing helper for consumers: `if (isEnvelopeOf(e, 'ChallengeIssued')) e.data.devices`. */
export function isEnvelopeOf<T extends EventType>(envelope: ContractEnvelope, type: T): envelope is Extract<ContractEnvelope, { type: T }> {
  return envelope.type === type;
}
