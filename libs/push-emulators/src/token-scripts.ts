/** What every scripted behaviour may say: how many requests it applies to (then the token succeeds again). */
export interface ScriptedBehaviourBase {
  /** Applies to the next `times` requests for the token, then it is forgotten; absent: until cleared. */
  times?: number;
  /** Waits this long before answering (slowness); combined with a failure, the failure comes late. */
  delayMs?: number;
}

/** Per-device-token scripts for an emulator; a token without a script is accepted. */
export class TokenScripts<B extends ScriptedBehaviourBase> {
  private readonly byToken = new Map<string, { behaviour: B; remaining: number | undefined }>();

  set(token: string, behaviour: B): void {
    if (behaviour.times !== undefined && (!Number.isInteger(behaviour.times) || behaviour.times < 1)) {
      throw new Error('times must be a positive integer');
    }
    this.byToken.set(token, { behaviour, remaining: behaviour.times });
  }

  /** The behaviour for this request, counting it against `times`. */
  take(token: string): B | undefined {
    const entry = this.byToken.get(token);
    if (entry === undefined) return undefined;
    if (entry.remaining !== undefined) {
      entry.remaining -= 1;
      if (entry.remaining <= 0) this.byToken.delete(token);
    }
    return entry.behaviour;
  }

  clear(): void {
    this.byToken.clear();
  }
}
