import type { ChallengeContext } from '@pushmfa/contracts';
import type { ChallengeView, ChallengeViewStatus, TargetDevice } from './challenge-view';
import { type KeyedRead, keyedRead } from '../database/keyed-read';

/** A row of `<schema>.challenges`. */
export interface ChallengeRow {
  workspace_id: string;
  challenge_id: string;
  user_id: string;
  status: ChallengeViewStatus;
  expires_at: Date;
  target_devices: TargetDevice[];
  context: ChallengeContext;
  number_choices: string[] | null;
}

export function toChallengeView(row: ChallengeRow): ChallengeView {
  return {
    workspaceId: row.workspace_id,
    challengeId: row.challenge_id,
    userId: row.user_id,
    status: row.status,
    expiresAtMs: row.expires_at.getTime(),
    targetDevices: row.target_devices,
    context: row.context,
    ...(row.number_choices ? { numberChoices: row.number_choices } : {}),
  };
}

/** The challenge views of many challenges in one statement; a push's try reads its view again before every send. */
export function challengeViewsRead(schema: string): KeyedRead<{ workspaceId: string; challengeId: string }, ChallengeView> {
  return keyedRead(`${schema}.challenges`, 'challenge_id', (key: { workspaceId: string; challengeId: string }) => key.challengeId, toChallengeView);
}
