/**
 * What the challenge read models know of a user's offline codes, as scalar SQL for a caller that reads it in its own
 * statement (the offline-code approval, under the user's lock). The tables are ChallengeProjection's.
 */
export const offlineCodeHistorySql = {
  /** Wrong offline codes in a row of the user's (0 when none). */
  failuresOf: (schema: string, workspaceId: string, userId: string) =>
    `coalesce((select failures from ${schema}.offline_code_failures where workspace_id = ${workspaceId} and user_id = ${userId}), 0)`,
  /** The last time step whose code approved for the device in `deviceIdColumn`, null when none has. */
  lastStepOf: (schema: string, deviceIdColumn: string) => `(select last_step from ${schema}.offline_code_uses u where u.device_id = ${deviceIdColumn})`,
};
