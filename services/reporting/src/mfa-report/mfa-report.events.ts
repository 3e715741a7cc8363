import { CHALLENGE_EVENT_TYPES, type ContractEnvelope, DELIVERY_EVENT_TYPES, type EventType } from '@pushmfa/contracts';

/**
 * The contract events the MFA Report is projected from: all of the challenge and delivery topics, and the registry's
 * PushLockLifted (an admin lifted the lock a challenge caused).
 */
export type ReportEventType = (typeof CHALLENGE_EVENT_TYPES)[number] | (typeof DELIVERY_EVENT_TYPES)[number] | 'PushLockLifted';

type ReportEnvelope = { [T in ReportEventType]: ContractEnvelope<T> }[ReportEventType];

/**
 * The event types whose data names the challenge of the row only when there is one: a lift of a lock, and app logs
 * shared with support (on its challenge's row, never its logs; not a report event when the app named no challenge).
 */
type LiftType = 'PushUnlocked' | 'PushLockLifted' | 'DiagnosticsShared';
type DeliveryEventType = (typeof DELIVERY_EVENT_TYPES)[number];
type OfChallenge<E> = E & { data: { challengeId: string } };

/**
 * A union discriminated on `type`, so a `switch` narrows each event's data. A lift lands on the row of the challenge
 * that caused the lock it lifted: PushLockLifted of the registry topic, or PushUnlocked, which the challenge topic
 * carried before the lift moved to the registry (records still on the topic are read). One that names no challenge (a
 * lock recorded before locks kept theirs) has no row and is not a report event. Neither is a delivery event of an
 * admin's test push (no challenge id).
 */
export type ReportEvent =
  | Exclude<ReportEnvelope, { type: LiftType | DeliveryEventType }>
  | { [T in LiftType]: OfChallenge<ContractEnvelope<T>> }[LiftType]
  | { [T in DeliveryEventType]: OfChallenge<ContractEnvelope<T>> }[DeliveryEventType];

/** What the MFA Report's consumer reads of its topics; everything else is skipped unvalidated. */
export const REPORT_EVENT_TYPES: readonly ReportEventType[] = [...CHALLENGE_EVENT_TYPES, ...DELIVERY_EVENT_TYPES, 'PushLockLifted'];

const REPORT_EVENT_TYPE_SET = new Set<string>(REPORT_EVENT_TYPES);
const NAMES_CHALLENGE_IF_ANY = new Set<string>(['PushUnlocked', 'PushLockLifted', 'DiagnosticsShared', ...DELIVERY_EVENT_TYPES]);

export function isReportEvent(envelope: ContractEnvelope<EventType>): envelope is ReportEvent {
  if (NAMES_CHALLENGE_IF_ANY.has(envelope.type)) return 'challengeId' in envelope.data && envelope.data.challengeId !== undefined;
  return REPORT_EVENT_TYPE_SET.has(envelope.type);
}
