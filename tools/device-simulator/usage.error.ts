/** A mistake on the command line or in the local profile: exit code 2. */
export class UsageError extends Error {
  /** `showUsage`: print the command list too, for mistakes in the command line itself. */
  constructor(
    message: string,
    readonly showUsage = false,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}
