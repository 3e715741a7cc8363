import { CHALLENGE_EVENT_TYPES, type ContractEnvelope, DELIVERY_EVENT_TYPES, type EventType } from '@pushmfa/contracts';

/** The contract events the MFA Report is projected from: all of the challenge and delivery topics. */
export type ReportEventType = (typeof CHALLENGE_EVENT_TYPES)[number] | (typeof DELIVERY_EVENT_TYPES)[number];

type ReportEnvelope = { [T in ReportEventType]: ContractEnvelope<T> }[ReportEventType];

/**
 * A union discriminated on `type`, so a `switch` narrows each event's data. PushUnlocked lands on the row of the
 * challenge that caused the lock it lifted; one that names no challenge (a lock recorded before locks kept theirs)
 * has no row and is not a report event. DiagnosticsShared likewise: on its challenge's row (never its logs), and
 * not a report event when the app named no challenge.
 */
export type ReportEvent =
  | Exclude<ReportEnvelope, { type: 'PushUnlocked' | 'DiagnosticsShared' }>
  | (ContractEnvelope<'PushUnlocked'> & { data: { challengeId: string } })
  | (ContractEnvelope<'DiagnosticsShared'> & { data: { challengeId: string } });

const REPORT_EVENT_TYPES = new Set<string>([...CHALLENGE_EVENT_TYPES, ...DELIVERY_EVENT_TYPES]);

export function isReportEvent(envelope: ContractEnvelope<EventType>): envelope is ReportEvent {
  if (envelope.type === 'PushUnlocked' || envelope.type === 'DiagnosticsShared') return envelope.data.challengeId !== undefined;
  return REPORT_EVENT_TYPES.has(envelope.type);
}
