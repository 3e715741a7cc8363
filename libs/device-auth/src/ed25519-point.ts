// Node verifies Ed25519 signatures against any encoded point, the eight points of small order included; with one of
// those as the public key a single fixed signature verifies every message. The registry refuses them itself.
const P = 2n ** 255n - 19n;
/** y of the four points of order 8 (two signs each); the others are y = 1 (identity), p - 1 (order 2), 0 (order 4). */
const Y_ORDER_8 = 0x7a03ac9277fdc74ec6cc392cfa53202a0f67100d760b3cba4fd84d3d706a17c7n;
const SMALL_ORDER_Y = new Set([1n, P - 1n, 0n, Y_ORDER_8, P - Y_ORDER_8]);

/**
 * Why a 32-byte Ed25519 public key (RFC 8032 encoding: y little-endian, the top bit the sign of x) must be refused,
 * or undefined when it is fine as far as that goes: a non-canonical y (y >= p), or a point of small order, whatever its
 * sign bit. A small-order point's cofactor multiple is the identity, so only its y says what it is.
 */
export function weakEd25519PointReason(encoded: Uint8Array): string | undefined {
  if (encoded.length !== 32) return 'an Ed25519 public key is 32 bytes';
  const y = BigInt(`0x${Buffer.from(encoded).reverse().toString('hex')}`) & ((1n << 255n) - 1n);
  if (y >= P) return 'the point is not canonically encoded';
  if (SMALL_ORDER_Y.has(y)) return 'the point has small order: one signature would verify every message';
  return undefined;
}
