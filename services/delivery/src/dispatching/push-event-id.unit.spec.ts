import { pushEventId } from './push-event-id';

describe('pushEventId', () => {
  it('is a version-5 UUID, the same for the same push outcome', () => {
    const id = pushEventId('ch-1', 'dev-1', 1, 'PushDispatched');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(pushEventId('ch-1', 'dev-1', 1, 'PushDispatched')).toBe(id);
  });

  it('differs by challenge, device, attempt and type', () => {
    const ids = new Set([
      pushEventId('ch-1', 'dev-1', 1, 'PushDispatched'),
      pushEventId('ch-2', 'dev-1', 1, 'PushDispatched'),
      pushEventId('ch-1', 'dev-2', 1, 'PushDispatched'),
      pushEventId('ch-1', 'dev-1', 2, 'PushDispatched'),
      pushEventId('ch-1', 'dev-1', 1, 'PushFailed'),
      // Field boundaries are unambiguous: "ch-1"+"1-dev" is not "ch-11"+"-dev".
      pushEventId('ch-11', '-dev', 1, 'PushDispatched'),
      pushEventId('ch-1', '1-dev', 1, 'PushDispatched'),
    ]);
    expect(ids.size).toBe(7);
  });
});
