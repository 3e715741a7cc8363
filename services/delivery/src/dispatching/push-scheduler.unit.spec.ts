import { PushScheduler } from './push-scheduler';

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PushScheduler', () => {
  it('never runs more than `concurrency` tasks at once, and runs them all', async () => {
    const scheduler = new PushScheduler(2, () => undefined);
    let running = 0;
    let peak = 0;
    let done = 0;
    for (let i = 0; i < 6; i++) {
      scheduler.schedule(async () => {
        running++;
        peak = Math.max(peak, running);
        await tick(5);
        running--;
        done++;
      });
    }
    expect(await scheduler.drain(1_000)).toBe(0);
    expect(peak).toBe(2);
    expect(done).toBe(6);
  });

  it('waits for delayed retries that tasks schedule while draining', async () => {
    const scheduler = new PushScheduler(4, () => undefined);
    const ran: string[] = [];
    scheduler.schedule(async () => {
      ran.push('first');
      scheduler.schedule(async () => void ran.push('retry'), 20);
    });
    expect(await scheduler.drain(1_000)).toBe(0);
    expect(ran).toEqual(['first', 'retry']);
  });

  it('drops what is still waiting when the drain deadline passes, and says how much', async () => {
    const scheduler = new PushScheduler(1, () => undefined);
    let ran = false;
    scheduler.schedule(async () => void (ran = true), 5_000);
    expect(await scheduler.drain(20)).toBe(1);
    await tick(30);
    expect(ran).toBe(false);
  });

  it('keeps going after a task throws', async () => {
    const errors: unknown[] = [];
    const scheduler = new PushScheduler(1, (error) => errors.push(error));
    let ran = false;
    scheduler.schedule(async () => {
      throw new Error('boom');
    });
    scheduler.schedule(async () => void (ran = true));
    await scheduler.drain(1_000);
    expect(errors).toHaveLength(1);
    expect(ran).toBe(true);
  });

  it('holds the caller back only while too many pushes wait', async () => {
    const scheduler = new PushScheduler(1, () => undefined, 2);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    scheduler.schedule(() => gate);
    scheduler.schedule(async () => undefined);
    let admitted = false;
    const waiting = scheduler.waitForCapacity().then(() => (admitted = true));
    await tick();
    expect(admitted).toBe(false);
    release();
    await waiting;
    expect(admitted).toBe(true);
    await scheduler.drain(1_000);
  });
});
