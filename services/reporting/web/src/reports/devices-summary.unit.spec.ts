import { describe, expect, it } from 'vitest';
import { devicesSummary } from './devices-summary';

describe('devices summary', () => {
  it("reads one device's outcome, or counts outcomes across several", () => {
    expect(devicesSummary({ devices: [] })).toBe('No device');
    expect(devicesSummary({ devices: [{ deviceId: 'd1', delivery: 'delivered' }] })).toBe('Delivered');
    expect(
      devicesSummary({
        devices: [
          { deviceId: 'd1', delivery: 'delivered' },
          { deviceId: 'd2', delivery: 'rejected' },
          { deviceId: 'd3', delivery: 'delivered' },
        ],
      }),
    ).toBe('3 devices: 2 Delivered, 1 Rejected (dead push token)');
  });
});
