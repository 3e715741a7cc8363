import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { VisiblePoller, type VisibilitySource } from './visible-poller';

class FakeTab implements VisibilitySource {
  hidden = false;
  private listeners = new Set<() => void>();
  addEventListener(_type: 'visibilitychange', listener: () => void) {
    this.listeners.add(listener);
  }
  removeEventListener(_type: 'visibilitychange', listener: () => void) {
    this.listeners.delete(listener);
  }
  setHidden(hidden: boolean) {
    this.hidden = hidden;
    for (const listener of this.listeners) listener();
  }
}

describe('refreshing while the tab is visible', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('refreshes every interval', async () => {
    const refresh = vi.fn(async () => undefined);
    new VisiblePoller(refresh, 5000, new FakeTab()).start();
    await vi.advanceTimersByTimeAsync(15_000);
    expect(refresh).toHaveBeenCalledTimes(3);
  });

  it('pauses while the tab is hidden and refreshes at once when it shows again', async () => {
    const refresh = vi.fn(async () => undefined);
    const tab = new FakeTab();
    new VisiblePoller(refresh, 5000, tab).start();
    await vi.advanceTimersByTimeAsync(5000);
    tab.setHidden(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(refresh).toHaveBeenCalledTimes(1);
    tab.setHidden(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(refresh).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(5000);
    expect(refresh).toHaveBeenCalledTimes(3);
  });

  it('never overlaps a slow refresh with the next one', async () => {
    let inFlight = 0;
    let most = 0;
    const refresh = vi.fn(async () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 12_000));
      inFlight -= 1;
    });
    const poller = new VisiblePoller(refresh, 5000, new FakeTab());
    poller.start();
    void poller.now();
    void poller.now();
    await vi.advanceTimersByTimeAsync(40_000);
    expect(most).toBe(1);
    expect(refresh.mock.calls.length).toBeGreaterThanOrEqual(2);
  });

  it('runs a refresh asked for during another right after it, once', async () => {
    let finish: () => void = () => undefined;
    const refresh = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    const poller = new VisiblePoller(refresh, 5000, new FakeTab());
    poller.start();
    void poller.now();
    void poller.now();
    void poller.now();
    expect(refresh).toHaveBeenCalledTimes(1);
    finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(refresh).toHaveBeenCalledTimes(2);
  });

  it('keeps going after a failed refresh, and stops for good when stopped', async () => {
    const refresh = vi.fn(async () => {
      throw new Error('down');
    });
    const poller = new VisiblePoller(refresh, 5000, new FakeTab());
    poller.start();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(refresh).toHaveBeenCalledTimes(2);
    poller.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(refresh).toHaveBeenCalledTimes(2);
  });
});
