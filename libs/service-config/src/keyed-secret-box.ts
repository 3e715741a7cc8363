import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** One encryption key and the id stored beside what it sealed. */
export interface SecretBoxKey {
  id: string;
  key: Buffer;
}

/** What a box accepts besides its own encrypted form. Both off by default. */
export interface KeyedSecretBoxOptions {
  /**
   * Secrets may be kept unencrypted, as `plain.<utf-8 text>` (text secrets only). With no key, `seal` stores them so
   * instead of the box refusing to be built; `open` reads them whether or not a key is set, so a key set later still
   * reads what was stored before it. Off: the box needs a key and opens only what a key sealed, so whoever can write
   * the table cannot slip in a secret of their own.
   */
  allowUnencrypted?: boolean;
  /**
   * `open` also reads the earlier keyless form `v1.<iv>.<tag>.<ciphertext>` (base64url): AES-256-GCM under one of the
   * keys (each is tried; the tag shows which one sealed it), without key id or context. The reporting service stored
   * webhook secrets so before they moved to this box.
   */
  openLegacyForms?: boolean;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const PLAIN = 'plain.';
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Secrets at rest, AES-256-GCM, as `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url). The first key seals; every key
 * opens what it sealed, so a key is rotated by putting the new one first and keeping the old one until everything
 * is sealed again. `context` (a device id, say) is bound in as associated data: a sealed value copied to another row
 * does not open there. See `KeyedSecretBoxOptions` for unencrypted secrets (no key configured) and the earlier form.
 */
export class KeyedSecretBox {
  private readonly byId: Map<string, Buffer>;

  constructor(
    private readonly keys: readonly SecretBoxKey[],
    private readonly options: KeyedSecretBoxOptions = {},
  ) {
    if (keys.length === 0 && !options.allowUnencrypted) throw new Error('a secret box needs at least one key');
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  /** Whether `seal` encrypts: false only for a box allowed to keep secrets unencrypted and given no key. */
  get encrypts(): boolean {
    return this.keys.length > 0;
  }

  /** The id of the key that seals; undefined when the box keeps secrets unencrypted. */
  get currentKeyId(): string | undefined {
    return this.keys[0]?.id;
  }

  seal(secret: Uint8Array, context: string): string {
    const current = this.keys[0];
    if (!current) return PLAIN + textOf(secret);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', current.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(secret), cipher.final()]);
    return ['v1', current.id, ...[iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url'))].join('.');
  }

  open(sealed: string, context: string): Buffer {
    if (sealed.startsWith(PLAIN)) {
      if (!this.options.allowUnencrypted) throw new Error('a secret is stored in an unknown form (unencrypted, which this box does not accept)');
      return Buffer.from(sealed.slice(PLAIN.length), 'utf8');
    }
    const parts = sealed.split('.');
    if (parts.length === 4 && this.options.openLegacyForms) return this.openLegacy(parts);
    const [version, id, iv, tag, ciphertext] = parts;
    if (parts.length !== 5 || version !== 'v1' || !id || !iv || !tag || ciphertext === undefined) throw new Error('a secret is stored in an unknown form');
    const key = this.byId.get(id);
    if (!key) throw new Error(`a secret is sealed with key "${id}", which is not configured`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
  }

  /** `v1.<iv>.<tag>.<ciphertext>`: no key id and no context, so each key is tried until one's tag matches. */
  private openLegacy([version, iv, tag, ciphertext]: string[]): Buffer {
    if (version !== 'v1' || !iv || !tag || ciphertext === undefined) throw new Error('a secret is stored in an unknown form');
    if (this.keys.length === 0) throw new Error('a secret is encrypted but no key is configured');
    for (const { key } of this.keys) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
      } catch {
        // Not this key: the authentication tag did not match.
      }
    }
    throw new Error('a secret is sealed with none of the configured keys');
  }
}

/** Kept unencrypted, a secret must read back byte for byte: text only. */
function textOf(secret: Uint8Array): string {
  try {
    return UTF8.decode(secret);
  } catch {
    throw new Error('a secret kept unencrypted must be UTF-8 text');
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
