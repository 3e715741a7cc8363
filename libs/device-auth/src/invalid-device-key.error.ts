/** JWK member at fault, or `key` when the key as a whole is unusable. */
export type DeviceKeyField = 'key' | 'kty' | 'crv' | 'alg' | 'x' | 'y' | 'd';

/** A submitted device public key the registry must refuse with `validation_failed`. */
export class InvalidDeviceKeyError extends Error {
  readonly code = 'validation_failed' as const;

  constructor(
    readonly field: DeviceKeyField,
    readonly reason: string,
  ) {
    super(`invalid device public key (${field}): ${reason}`);
    this.name = 'InvalidDeviceKeyError';
  }
}
