import { offlineCodeAtStep, offlineCodeStepAt } from '@pushmfa/device-auth';
import { matchOfflineCodeAmong } from './offline-code-secrets';

const now = Date.parse('2026-12-05T10:00:00.000Z');
const step = offlineCodeStepAt(now);
const secretA = Buffer.from('aaaaaaaaaaaaaaaaaaaa');
const secretB = Buffer.from('bbbbbbbbbbbbbbbbbbbb');

describe('matchOfflineCodeAmong', () => {
  it('names the device whose code it is and the step, within one step of now', () => {
    const devices = [
      { deviceId: 'a', secret: secretA, lastStep: null },
      { deviceId: 'b', secret: secretB, lastStep: null },
    ];
    expect(matchOfflineCodeAmong(devices, offlineCodeAtStep(secretB, step), now)).toEqual({ outcome: 'matched', deviceId: 'b', step });
    expect(matchOfflineCodeAmong(devices, offlineCodeAtStep(secretA, step - 1), now)).toEqual({ outcome: 'matched', deviceId: 'a', step: step - 1 });
    expect(matchOfflineCodeAmong(devices, offlineCodeAtStep(secretA, step - 2), now)).toEqual({ outcome: 'none' });
    expect(matchOfflineCodeAmong([], offlineCodeAtStep(secretA, step), now)).toEqual({ outcome: 'none' });
  });

  it('a code of a step the device has used, or an earlier one, is a replay', () => {
    const code = offlineCodeAtStep(secretA, step);
    expect(matchOfflineCodeAmong([{ deviceId: 'a', secret: secretA, lastStep: step }], code, now)).toEqual({ outcome: 'replayed', deviceId: 'a' });
    const earlier = offlineCodeAtStep(secretA, step - 1);
    expect(matchOfflineCodeAmong([{ deviceId: 'a', secret: secretA, lastStep: step }], earlier, now)).toEqual({ outcome: 'replayed', deviceId: 'a' });
    expect(matchOfflineCodeAmong([{ deviceId: 'a', secret: secretA, lastStep: step - 1 }], code, now)).toEqual({ outcome: 'matched', deviceId: 'a', step });
  });
});
