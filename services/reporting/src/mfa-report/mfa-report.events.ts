import { CHALLENGE_EVENT_TYPES, type ContractEnvelope, DELIVERY_EVENT_TYPES, type EventType } from '@pushmfa/contracts';

/** The contract events the MFA Report is projected from: all of the challenge and delivery topics. */
export type ReportEventType = (typeof CHALLENGE_EVENT_TYPES)[number] | (typeof DELIVERY_EVENT_TYPES)[number];

type ReportEnvelope = { [T in ReportEventType]: ContractEnvelope<T> }[ReportEventType];

type DeliveryEventType = (typeof DELIVERY_EVENT_TYPES)[number];
type OfChallenge<E> = E & { data: { challengeId: string } };

/**
 * A union discriminated on `type`, so a `switch` narrows each event's data. PushUnlocked lands on the row of the
 * challenge that caused the lock it lifted; one that names no challenge (a lock recorded before locks kept theirs)
 * has no row and is not a report event. Neither is a delivery event of an admin's test push (no challenge id).
 */
export type ReportEvent =
  | Exclude<ReportEnvelope, { type: 'PushUnlocked' | DeliveryEventType }>
  | OfChallenge<ContractEnvelope<'PushUnlocked'>>
  | { [T in DeliveryEventType]: OfChallenge<ContractEnvelope<T>> }[DeliveryEventType];

const DELIVERY_TYPES = new Set<string>(DELIVERY_EVENT_TYPES);

const REPORT_EVENT_TYPES = new Set<string>([...CHALLENGE_EVENT_TYPES, ...DELIVERY_EVENT_TYPES]);

export function isReportEvent(envelope: ContractEnvelope<EventType>): envelope is ReportEvent {
  if (envelope.type === 'PushUnlocked' || DELIVERY_TYPES.has(envelope.type)) return (envelope.data as { challengeId?: string }).challengeId !== undefined;
  return REPORT_EVENT_TYPES.has(envelope.type);
}
