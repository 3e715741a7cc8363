import { describe, expect, it } from 'vitest';
import { AdminKeyStore, type KeyStorage } from './admin-key-store';

class MemoryStorage implements KeyStorage {
  readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

describe('admin key store', () => {
  it('keeps the key for this tab and forgets it on sign-out', () => {
    const storage = new MemoryStorage();
    const keys = new AdminKeyStore(storage);
    expect(keys.read()).toBeUndefined();
    keys.save('  pmk_admin  ');
    expect(keys.read()).toBe('pmk_admin');
    keys.forget();
    expect(keys.read()).toBeUndefined();
    expect(storage.items.size).toBe(0);
  });
});
