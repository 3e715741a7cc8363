/** `INC-XXXX-XXXX` in Crockford's base32 (no I, L, O, U): the id of shared app logs that a user reads out to the help desk. */
export const INCIDENT_ID_PATTERN = /^INC-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

/** Reads an incident id as a person types it: any case, O for 0, I or L for 1, spaces and dashes anywhere. Null when it cannot be one. */
export function normalizeIncidentId(input: string): string | null {
  const compact = input.toUpperCase().replace(/[\s-]/g, '').replace(/^INC/, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (!/^[0-9A-HJKMNP-TV-Z]{8}$/.test(compact)) return null;
  return `INC-${compact.slice(0, 4)}-${compact.slice(4)}`;
}
