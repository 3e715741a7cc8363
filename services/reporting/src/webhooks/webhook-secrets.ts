import { randomBytes } from 'node:crypto';
import { KeyedSecretBox } from '@pushmfa/service-config';

/** A new endpoint secret: shown once, then only the sender reads it (to sign). */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/**
 * How endpoint secrets are stored, each bound to its endpoint's id: with a key (WEBHOOK_SECRET_KEY, key id `k1`),
 * AES-256-GCM as `v1.k1.<iv>.<tag>.<ciphertext>`; without one, as `plain.<secret>`, so a key set later still reads the
 * secrets stored before it. Secrets sealed before this box (`v1.<iv>.<tag>.<ciphertext>`, no key id) still open.
 */
export function webhookSecretBox(key: Buffer | undefined): KeyedSecretBox {
  return new KeyedSecretBox(key ? [{ id: 'k1', key }] : [], { allowUnencrypted: true, openLegacyForms: true });
}
