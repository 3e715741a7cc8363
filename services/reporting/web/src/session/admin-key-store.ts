/** The admin key lives only in this tab's sessionStorage: closing the tab signs out, nothing lands on disk for long. */
const KEY_NAME = 'pushmfa.adminKey';

export interface KeyStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export class AdminKeyStore {
  constructor(private readonly storage: KeyStorage) {}

  read(): string | undefined {
    const key = this.storage.getItem(KEY_NAME)?.trim();
    return key ? key : undefined;
  }

  save(adminKey: string): void {
    this.storage.setItem(KEY_NAME, adminKey.trim());
  }

  forget(): void {
    this.storage.removeItem(KEY_NAME);
  }
}
