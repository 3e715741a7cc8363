import { Injectable } from '@nestjs/common';

/** Answers true when the dependency is usable; a throw or a timeout counts as not ready. */
export type ReadinessCheck = () => Promise<boolean> | boolean;

export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: Record<string, 'up' | 'down'>;
}

const CHECK_TIMEOUT_MS = 2_000;
const SHUTTING_DOWN = 'shutdown';

function withTimeout(check: ReadinessCheck, timeoutMs: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    timer.unref();
    Promise.resolve()
      .then(check)
      .then(
        (up) => resolve(up === true),
        () => resolve(false),
      )
      .finally(() => clearTimeout(timer));
  });
}

/** The checks `/health/ready` runs; services register theirs (broker, stores, projections) at start-up. */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();
  private shuttingDown = false;

  register(name: string, check: ReadinessCheck): void {
    if (name === SHUTTING_DOWN) throw new Error(`readiness check name "${SHUTTING_DOWN}" is reserved`);
    this.checks.set(name, check);
  }

  unregister(name: string): void {
    this.checks.delete(name);
  }

  /** From now on the service answers not-ready, so load balancers stop sending it work. */
  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  async evaluate(timeoutMs = CHECK_TIMEOUT_MS): Promise<ReadinessReport> {
    const entries = [...this.checks.entries()];
    const results = await Promise.all(entries.map(([, check]) => withTimeout(check, timeoutMs)));
    const checks: Record<string, 'up' | 'down'> = {};
    entries.forEach(([name], index) => {
      checks[name] = results[index] ? 'up' : 'down';
    });
    if (this.shuttingDown) checks[SHUTTING_DOWN] = 'down';
    return { ready: Object.values(checks).every((status) => status === 'up'), checks };
  }
}
