/**
 * What the registry view knows of a workspace and a user, as scalar SQL for a caller that reads it in a statement of
 * its own (the push admission reads it with the user's lock in one round trip). The tables are this folder's
 * (RegistryView); no other folder names them. Values arrive as escaped literals (`quoteLiteral`).
 */
export const registryViewSql = {
  /** The workspace's settings as stored (jsonb), null while its WorkspaceCreated has not arrived. */
  settingsOf: (schema: string, workspaceId: string) => `(select settings from ${schema}.workspaces where workspace_id = ${workspaceId})`,
  /** The user's active devices as a json array of `{ deviceId, pushProvider, platform }`, oldest pairing first. */
  activeDevicesOf: (schema: string, workspaceId: string, userId: string) =>
    `(select coalesce(json_agg(json_build_object('deviceId', device_id, 'pushProvider', push_provider, 'platform', platform) order by paired_at), '[]')
             from ${schema}.devices where workspace_id = ${workspaceId} and user_id = ${userId} and status = 'active')`,
  /** When the user's newest active device was paired (timestamptz), null without one. */
  newestPairingOf: (schema: string, workspaceId: string, userId: string) =>
    `(select max(paired_at) from ${schema}.devices where workspace_id = ${workspaceId} and user_id = ${userId} and status = 'active')`,
  /** The user's pool as json `{ poolId, policy }`: the default pool unless assigned; `policy` null while the pool is unchanged or unknown. */
  poolOf: (schema: string, workspaceId: string, userId: string) =>
    `(select json_build_object('poolId', member.pool_id, 'policy', pool.policy)
             from (select coalesce((select pool_id from ${schema}.user_pools where workspace_id = ${workspaceId} and user_id = ${userId}), 'default') as pool_id) member
             left join ${schema}.pools pool on pool.workspace_id = ${workspaceId} and pool.pool_id = member.pool_id)`,
};
