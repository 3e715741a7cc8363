/** What delivery knows about a device from `pushmfa.registry.v1`: enough to push to it, nothing more. */
export interface KnownDevice {
  workspaceId: string;
  deviceId: string;
  userId: string;
  pushProvider: 'fcm' | 'apns';
  pushToken: string;
  /** False once the registry (or a provider, through us) said the token is dead; a rotation makes it valid again. */
  tokenValid: boolean;
  revoked: boolean;
}
