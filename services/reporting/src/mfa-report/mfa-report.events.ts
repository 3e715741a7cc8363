import { CHALLENGE_EVENT_TYPES, type ContractEnvelope, DELIVERY_EVENT_TYPES, type EventType } from '@pushmfa/contracts';

/** The contract events the MFA Report is projected from: all of the challenge and delivery topics. */
export type ReportEventType = (typeof CHALLENGE_EVENT_TYPES)[number] | (typeof DELIVERY_EVENT_TYPES)[number];

/** A union discriminated on `type`, so a `switch` narrows each event's data. */
export type ReportEvent = { [T in ReportEventType]: ContractEnvelope<T> }[ReportEventType];

const REPORT_EVENT_TYPES = new Set<string>([...CHALLENGE_EVENT_TYPES, ...DELIVERY_EVENT_TYPES]);

export function isReportEvent(envelope: ContractEnvelope<EventType>): envelope is ReportEvent {
  return REPORT_EVENT_TYPES.has(envelope.type);
}
