/** Bounded so a long benchmark cannot exhaust memory; the oldest entries go first. */
const DEFAULT_CAPACITY = 200_000;

export class ReceivedLog<T> {
  private entries: T[] = [];

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  add(entry: T): void {
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  list(): T[] {
    return [...this.entries];
  }

  clear(): void {
    this.entries = [];
  }
}
