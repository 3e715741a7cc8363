import { randomBytes } from 'node:crypto';
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
