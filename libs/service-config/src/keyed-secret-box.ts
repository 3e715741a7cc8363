import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** One encryption key and the id stored beside what it sealed. */
export interface SecretBoxKey {
  id: string;
  key: Buffer;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * Secrets at rest, AES-256-GCM, as `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url). The first key seals; every key
 * opens what it sealed, so a key is rotated by putting the new one first and keeping the old one until everything
 * is sealed again. `context` (a device id, say) is bound in as associated data: a sealed value copied to another row
 * does not open there.
 */
export class KeyedSecretBox {
  private readonly byId: Map<string, Buffer>;

  constructor(private readonly keys: readonly SecretBoxKey[]) {
    if (keys.length === 0) throw new Error('a secret box needs at least one key');
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  /** The id of the key that seals. */
  get currentKeyId(): string {
    return this.keys[0]!.id;
  }

  seal(secret: Uint8Array, context: string): string {
    const { id, key } = this.keys[0]!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(secret), cipher.final()]);
    return ['v1', id, ...[iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url'))].join('.');
  }

  open(sealed: string, context: string): Buffer {
    const [version, id, iv, tag, ciphertext] = sealed.split('.');
    if (version !== 'v1' || !id || !iv || !tag || ciphertext === undefined) throw new Error('a secret is stored in an unknown form');
    const key = this.byId.get(id);
    if (!key) throw new Error(`a secret is sealed with key "${id}", which is not configured`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
  }
}

/**
 * Parses an encryption-key variable: `<base64 of 32 bytes>` (key id `k1`), or `<id>:<base64>[,<id>:<base64>...]`,
 * the first sealing and all opening. Answers the keys, or a problem naming what is wrong (never the key itself).
 */
export function parseSecretBoxKeys(value: string): SecretBoxKey[] | string {
  const parts = value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) return 'must be 32 bytes, base64, or id:base64[,id:base64...]';
  const keys: SecretBoxKey[] = [];
  for (const [index, part] of parts.entries()) {
    const colon = part.indexOf(':');
    const id = colon < 0 ? (parts.length === 1 ? 'k1' : '') : part.slice(0, colon);
    const encoded = colon < 0 ? part : part.slice(colon + 1);
    if (!KEY_ID.test(id)) return `key ${index + 1}: needs an id of letters, digits, "_" or "-" (id:base64) when several keys are given`;
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== 32) return `key "${id}": must be 32 bytes, base64`;
    if (keys.some((k) => k.id === id)) return `key id "${id}" is given twice`;
    keys.push({ id, key });
  }
  return keys;
}

/** A fixed development key (id `dev`), derived from a name: never for production, where the variable is required. */
export function developmentSecretBoxKey(name: string): SecretBoxKey {
  return { id: 'dev', key: createHash('sha256').update(`pushmfa development key: ${name}`).digest() };
}
