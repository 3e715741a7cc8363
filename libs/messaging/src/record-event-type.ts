/**
 * The `type` an envelope claims, read from the record's JSON without validating anything, so a consumer can
 * skip what it has no handler for before paying for schema validation. The value is the contract, so it is read
 * rather than a header. Undefined when the value is not a JSON object with a string `type`: such a record goes
 * on to full validation, which dead-letters it.
 */
export function claimedEventType(json: unknown): string | undefined {
  const type = (json as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? type : undefined;
}
