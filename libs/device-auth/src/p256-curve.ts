// Node's JWK import does not check that (x, y) lies on the curve, so the registry checks it itself.
const P = 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n;
const A = P - 3n;
const B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;

function toBigInt(bytes: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
}

export function isOnP256Curve(xBytes: Uint8Array, yBytes: Uint8Array): boolean {
  const x = toBigInt(xBytes);
  const y = toBigInt(yBytes);
  if (x >= P || y >= P) return false;
  const left = (y * y) % P;
  const right = (((x * x) % P) * x + A * x + B) % P;
  return left === right;
}
