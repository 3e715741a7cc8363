/** A challenge issued in a batch, in the batch's order, with its user's pending challenges before the batch. */
export interface IssuedForUser {
  /** The user (workspace and user id) it is for. */
  userKey: string;
  challengeId: string;
  /** The user's `maxPendingPerUser`. */
  limit: number;
  /** The user's pending challenges before this batch, oldest first (the same for every challenge of the user). */
  pendingBefore: readonly string[];
}

/** A pending challenge a newer one takes the place of; `issuedInBatch`: it is itself one of the batch's. */
export interface Superseded {
  challengeId: string;
  supersededBy: string;
  issuedInBatch: boolean;
}

/**
 * One pending request at a time (`maxPendingPerUser`): each challenge issued, in order, joins its user's pending
 * ones, and while they are more than the limit the oldest is superseded by it. So a user is left with the limit's
 * newest challenges, whichever of them were already pending or issued with this one in a batch.
 */
export function supersededBy(issued: readonly IssuedForUser[]): Superseded[] {
  const pendingOf = new Map<string, Array<{ challengeId: string; issuedInBatch: boolean }>>();
  const superseded: Superseded[] = [];
  for (const { userKey, challengeId, limit, pendingBefore } of issued) {
    const pending = pendingOf.get(userKey) ?? pendingBefore.map((id) => ({ challengeId: id, issuedInBatch: false }));
    pendingOf.set(userKey, pending);
    pending.push({ challengeId, issuedInBatch: true });
    while (pending.length > Math.max(1, limit)) {
      const oldest = pending.shift()!;
      superseded.push({ ...oldest, supersededBy: challengeId });
    }
  }
  return superseded;
}
