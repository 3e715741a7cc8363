import type { KafkaMessage } from 'kafkajs';

/**
 * The `type` an envelope claims, read from the record's value without validating anything, so a consumer can
 * skip what it has no handler for before paying for schema validation. The value is the contract, so it is read
 * rather than a header. Undefined when the value is not a JSON object with a string `type`: such a record goes
 * on to full validation, which dead-letters it.
 */
export function claimedEventType(message: KafkaMessage): string | undefined {
  if (message.value == null) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(message.value.toString('utf8'));
  } catch {
    return undefined;
  }
  const type = (json as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? type : undefined;
}
