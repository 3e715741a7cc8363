import { createCipheriv, randomBytes } from 'node:crypto';
import { developmentSecretBoxKey, KeyedSecretBox, parseSecretBoxKeys } from './keyed-secret-box';

const key = (id: string) => ({ id, key: randomBytes(32) });

describe('KeyedSecretBox', () => {
  it('seals with the first key, names it, and opens again; the plaintext is not in the sealed form', () => {
    const box = new KeyedSecretBox([key('k2')]);
    const secret = Buffer.from('12345678901234567890');
    const sealed = box.seal(secret, 'device-1');
    expect(sealed.startsWith('v1.k2.')).toBe(true);
    expect(sealed).not.toContain(secret.toString('base64url'));
    expect(box.open(sealed, 'device-1').equals(secret)).toBe(true);
    expect(box.seal(secret, 'device-1')).not.toBe(sealed);
  });

  it('refuses another context, a changed byte and an unknown key', () => {
    const box = new KeyedSecretBox([key('k1')]);
    const sealed = box.seal(Buffer.from('secret'), 'device-1');
    expect(() => box.open(sealed, 'device-2')).toThrow();
    const parts = sealed.split('.');
    const tampered = Buffer.from(parts[4]!, 'base64url');
    tampered[0] = tampered[0]! ^ 1;
    expect(() => box.open([...parts.slice(0, 4), tampered.toString('base64url')].join('.'), 'device-1')).toThrow();
    expect(() => new KeyedSecretBox([key('other')]).open(sealed, 'device-1')).toThrow(/key "k1"/);
    expect(() => box.open('plain.secret', 'device-1')).toThrow(/unknown form/);
  });

  it('rotates: a new first key seals, the old one still opens what it sealed', () => {
    const old = key('k1');
    const sealedBefore = new KeyedSecretBox([old]).seal(Buffer.from('before'), 'd');
    const rotated = new KeyedSecretBox([key('k2'), old]);
    expect(rotated.open(sealedBefore, 'd').toString()).toBe('before');
    expect(rotated.seal(Buffer.from('after'), 'd').startsWith('v1.k2.')).toBe(true);
  });
});

describe('KeyedSecretBox allowed to keep secrets unencrypted', () => {
  const options = { allowUnencrypted: true };

  it('without a key keeps text as is, says it does not encrypt, and a key set later still opens it', () => {
    const box = new KeyedSecretBox([], options);
    expect(box.encrypts).toBe(false);
    expect(box.currentKeyId).toBeUndefined();
    const sealed = box.seal(Buffer.from('whsec_abc.def'), 'w-1');
    expect(sealed).toBe('plain.whsec_abc.def');
    expect(box.open(sealed, 'w-1').toString()).toBe('whsec_abc.def');
    const keyed = new KeyedSecretBox([key('k1')], options);
    expect(keyed.encrypts).toBe(true);
    expect(keyed.open(sealed, 'w-1').toString()).toBe('whsec_abc.def');
    expect(keyed.seal(Buffer.from('whsec_abc'), 'w-1').startsWith('v1.k1.')).toBe(true);
  });

  it('keeps only text unencrypted, and without a key cannot open what a key sealed', () => {
    expect(() => new KeyedSecretBox([], options).seal(Buffer.from([0xff, 0xfe]), 'w-1')).toThrow(/UTF-8/);
    const sealed = new KeyedSecretBox([key('k1')]).seal(Buffer.from('secret'), 'w-1');
    expect(() => new KeyedSecretBox([], options).open(sealed, 'w-1')).toThrow(/key "k1"/);
  });

  it('is refused unless allowed: no box without a key, and no unencrypted value opens', () => {
    expect(() => new KeyedSecretBox([])).toThrow(/at least one key/);
    expect(() => new KeyedSecretBox([key('k1')]).open('plain.chosen-by-whoever-wrote-the-row', 'w-1')).toThrow(/unknown form/);
  });
});

describe('KeyedSecretBox reading the earlier keyless form', () => {
  /** `v1.<iv>.<tag>.<ciphertext>`: AES-256-GCM without key id or associated data, as reporting sealed webhook secrets. */
  const sealedTheEarlierWay = (secret: string, k: Buffer) => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', k, iv);
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return ['v1', ...[iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url'))].join('.');
  };

  it('opens it with whichever configured key sealed it, when asked to', () => {
    const old = key('k1');
    const sealed = sealedTheEarlierWay('whsec_old', old.key);
    expect(new KeyedSecretBox([old], { openLegacyForms: true }).open(sealed, 'any row').toString()).toBe('whsec_old');
    expect(new KeyedSecretBox([key('k2'), old], { openLegacyForms: true }).open(sealed, 'w-1').toString()).toBe('whsec_old');
  });

  it('refuses it with another key, without a key, or when not asked to', () => {
    const old = key('k1');
    const sealed = sealedTheEarlierWay('whsec_old', old.key);
    expect(() => new KeyedSecretBox([key('k2')], { openLegacyForms: true }).open(sealed, 'w-1')).toThrow(/none of the configured keys/);
    expect(() => new KeyedSecretBox([], { openLegacyForms: true, allowUnencrypted: true }).open(sealed, 'w-1')).toThrow(/no key is configured/);
    expect(() => new KeyedSecretBox([old]).open(sealed, 'w-1')).toThrow(/unknown form/);
  });
});

describe('parseSecretBoxKeys', () => {
  const b64 = () => randomBytes(32).toString('base64');

  it('takes one bare key as k1, or a list of id:key, the first sealing', () => {
    expect((parseSecretBoxKeys(b64()) as { id: string }[]).map((k) => k.id)).toEqual(['k1']);
    expect((parseSecretBoxKeys(`k2:${b64()},k1:${b64()}`) as { id: string }[]).map((k) => k.id)).toEqual(['k2', 'k1']);
  });

  it('names what is wrong without echoing the key', () => {
    const short = randomBytes(16).toString('base64');
    const problem = parseSecretBoxKeys(short);
    expect(problem).toBe('key "k1": must be 32 bytes, base64');
    expect(String(problem)).not.toContain(short);
    expect(parseSecretBoxKeys(`${b64()},${b64()}`)).toMatch(/needs an id/);
    const same = b64();
    expect(parseSecretBoxKeys(`a:${same},a:${same}`)).toMatch(/twice/);
    expect(parseSecretBoxKeys('')).toMatch(/32 bytes/);
  });

  it('has a fixed development key', () => {
    expect(developmentSecretBoxKey('x').key.equals(developmentSecretBoxKey('x').key)).toBe(true);
    expect(developmentSecretBoxKey('x').key).toHaveLength(32);
  });
});
