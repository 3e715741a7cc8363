/** The nonce store could not answer: the request is refused with 503, never waved through. */
export class NonceStoreUnavailableError extends Error {
  readonly code = 'unavailable' as const;
  readonly status = 503;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NonceStoreUnavailableError';
  }
}
