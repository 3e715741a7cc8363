import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** A new endpoint secret: shown once, then only the sender reads it (to sign). */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/**
 * How endpoint secrets are stored: with a key (WEBHOOK_SECRET_KEY), AES-256-GCM as `v1.<iv>.<tag>.<ciphertext>`
 * (base64url); without one, as `plain.<secret>`, so a key set later still reads the secrets stored before it.
 */
export class WebhookSecretBox {
  constructor(private readonly key?: Buffer) {}

  get encrypts(): boolean {
    return this.key !== undefined;
  }

  seal(secret: string): string {
    if (!this.key) return `plain.${secret}`;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), ciphertext].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
  }

  open(stored: string): string {
    if (stored.startsWith('plain.')) return stored.slice('plain.'.length);
    const [version, iv, tag, ciphertext] = stored.split('.');
    if (version !== 'v1' || !iv || !tag || ciphertext === undefined) throw new Error('an endpoint secret is stored in an unknown form');
    if (!this.key) throw new Error('an endpoint secret is encrypted but WEBHOOK_SECRET_KEY is not set');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }
}
